import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { Action, Failure, Page, StateBadge } from '../components.js';
import { canAdmin, useLive, useLoad } from '../live.js';

export function Profiles() {
  const { role } = useLive();
  const [failure, setFailure] = useState<string | undefined>(undefined);
  /** A toggle edits the profile's deny filter, as `profile filter --deny` does. */
  const setDeny = async (name: string, deny: string[]): Promise<void> => {
    setFailure(undefined);
    await call('updateProfile', { name, edit: { op: 'filter', deny } });
    reload();
  };
  const { data, error, reload } = useLoad(async () => {
    const profiles = await call('listProfiles', {});
    return Promise.all(
      profiles.map(async (profile) => ({
        detail: await call('getProfile', { name: profile.name }),
        url: (await call('profileUrl', { name: profile.name })).url,
      })),
    );
  });
  return (
    <Page title="Profiles">
      <Failure message={error ?? failure} />
      {data?.length === 0 && <p>No profiles yet ('mcpctl profile create').</p>}
      {data?.map(({ detail, url }) => (
        <article class="card wide" key={detail.name} aria-label={`profile ${detail.name}`}>
          <h2>
            {detail.name} {detail.current && <span class="badge">current</span>}
          </h2>
          <p>
            Endpoint <code>{url}</code>{' '}
            <button type="button" onClick={() => navigator.clipboard?.writeText(url)}>
              Copy
            </button>
          </p>
          <h3>Members</h3>
          <ul>
            {detail.members.map((member) => (
              <li key={member.server}>
                {member.server} <StateBadge state={member.state} />
              </li>
            ))}
          </ul>
          <h3>Tools after filters</h3>
          <ul class="tools">
            {(detail.catalog?.members ?? []).flatMap((member) =>
              member.tools.map((tool) => (
                <li key={tool.name} data-tool={tool.name}>
                  {canAdmin(role) && (
                    <Action
                      label="Hide"
                      onError={setFailure}
                      run={() => setDeny(detail.name, [...detail.filters.deny, tool.name])}
                    />
                  )}
                  <code>{tool.name}</code> {tool.description ?? ''}
                </li>
              )),
            )}
          </ul>
          {detail.filters.deny.length > 0 && (
            <>
              <h3>Hidden by the deny filter</h3>
              <ul class="tools" aria-label={`hidden tools of ${detail.name}`}>
                {detail.filters.deny.map((glob) => (
                  <li key={glob} data-denied={glob}>
                    {canAdmin(role) && (
                      <Action
                        label="Show"
                        onError={setFailure}
                        run={() =>
                          setDeny(
                            detail.name,
                            detail.filters.deny.filter((other) => other !== glob),
                          )
                        }
                      />
                    )}
                    <code>{glob}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
        </article>
      ))}
    </Page>
  );
}
