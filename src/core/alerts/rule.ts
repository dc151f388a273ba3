import * as z from 'zod';
import { McpctlError } from '../../shared/errors.js';
import { serverNameSchema } from '../servers/definition.js';
import { parseNotifyTarget } from './notifyTarget.js';
import { parseCondition } from './ruleGrammar.js';

/** A check whose failure is the McpctlError's message (the grammar and the notifier parser say where). */
function checked(parse: (text: string) => unknown) {
  return (text: string, ctx: z.RefinementCtx): void => {
    try {
      parse(text);
    } catch (error) {
      if (!(error instanceof McpctlError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  };
}

export const alertNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i, 'an alert name is letters, digits, dot, dash and underscore (at most 63)');

/** One alert rule, as `alert add` sends it and the config file's `alerts.rules` lists it. */
export const alertRuleSchema = z
  .object({
    name: alertNameSchema,
    when: z.string().superRefine(checked(parseCondition)),
    /** Only this server; without it the rule watches every server. */
    server: serverNameSchema.optional(),
    notify: z
      .array(z.string().superRefine(checked(parseNotifyTarget)))
      .min(1)
      .default(['log']),
  })
  .strict();
export type AlertRule = z.output<typeof alertRuleSchema>;
