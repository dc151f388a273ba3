import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../../helpers/cli.js';

/** A Kubernetes object as the manifests write it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** What this renderer applies of a kustomization: anything else would be silently dropped, so it refuses it. */
const RENDERED_FIELDS = new Set(['apiVersion', 'kind', 'resources']);

/**
 * The objects `kustomize build DIR` prints for a base of plain resources: each file of
 * `resources`, every YAML document in it, in order. No kustomize binary runs here.
 */
export function renderBase(dir: string): K8sObject[] {
  const [kustomization] = readDocuments(join(dir, 'kustomization.yaml')) as unknown as [Record<string, unknown>];
  const unsupported = Object.keys(kustomization).filter((field) => !RENDERED_FIELDS.has(field));
  if (unsupported.length > 0)
    throw new Error(`kustomization.yaml: this renderer does not apply ${unsupported.join(', ')}`);
  if (kustomization.kind !== 'Kustomization') throw new Error('kustomization.yaml: kind is not Kustomization');
  const resources = kustomization.resources as string[];
  return resources.flatMap((file) => readDocuments(join(dir, file)));
}

/** Every YAML document of a file; a syntax error is thrown with its position. */
export function readDocuments(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
    return document.toJS() as K8sObject;
  });
}

type ModelClass = new (data: unknown) => { validate(): void };

/**
 * Validates one object against the Kubernetes API's OpenAPI schema as kubernetes-models ships it
 * (`kubernetes-models/apps/v1/Deployment`, `kubernetes-models/v1/Service`, ...); throws naming
 * the object and the failing field.
 */
export async function validateObject(object: K8sObject): Promise<void> {
  const path = `kubernetes-models/${object.apiVersion}/${object.kind}`;
  const module = (await import(path)) as Record<string, ModelClass>;
  const Model = module[object.kind];
  if (Model === undefined) throw new Error(`${path} exports no ${object.kind}`);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${object.kind}/${object.metadata.name}: ${(error as Error).message}`);
  }
}

const VIRTUAL_FILE = join(ROOT, 'test/deploy/__manifests__.ts');

/**
 * Fields the API does not know (`readinesProbe`), which the schemas above let through and
 * `kubectl apply` (strict field validation) refuses: each object is type-checked as a literal of
 * kubernetes-models' interface (generated from the same OpenAPI document), whose excess-property
 * check names every unknown field. One in-memory TypeScript program, nothing written.
 */
export function unknownFields(objects: readonly K8sObject[]): string[] {
  const source = objects
    .map((object, i) => {
      const module = `kubernetes-models/${object.apiVersion}/${object.kind}`;
      return `import type { I${object.kind} as T${i} } from '${module}';\nexport const o${i}: T${i} = ${JSON.stringify(object)};`;
    })
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // ES5's lib is all these types need, and a fraction of the parsing of the default ones.
    lib: ['lib.es5.d.ts'],
    target: ts.ScriptTarget.ES5,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => file === VIRTUAL_FILE || fileExists(file);
  host.readFile = (file) => (file === VIRTUAL_FILE ? source : readFile(file));
  host.getSourceFile = (file, language, ...rest) =>
    file === VIRTUAL_FILE ? ts.createSourceFile(file, source, language) : getSourceFile(file, language, ...rest);
  const program = ts.createProgram([VIRTUAL_FILE], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    const index =
      diagnostic.file === undefined ? -1 : diagnostic.file.text.slice(0, diagnostic.start).split('\n').length;
    const object = objects[Math.floor((index - 1) / 2)];
    return object === undefined ? text : `${object.kind}/${object.metadata.name}: ${text}`;
  });
}
