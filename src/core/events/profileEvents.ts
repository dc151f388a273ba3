import type { EventHub } from './eventHub.js';

interface ProfileNames {
  get(name: string): unknown;
  list(): ReadonlyArray<{ spec: { name: string } }>;
}

/**
 * A ProfileRegistry `onChange` listener that records each change as profile-added, -updated or
 * -removed: the registry tells a name only, so the names it held before tell an add from an update.
 */
export function profileEventRecorder(profiles: ProfileNames, hub: EventHub): (name: string) => void {
  const known = new Set(profiles.list().map((entry) => entry.spec.name));
  return (name) => {
    const exists = profiles.get(name) !== undefined;
    const type = !exists ? 'profile-removed' : known.has(name) ? 'profile-updated' : 'profile-added';
    if (exists) known.add(name);
    else known.delete(name);
    const verb = type.slice('profile-'.length);
    hub.appendLater({ server: null, type, message: `profile ${name} ${verb}`, data: { profile: name } });
  };
}
