import { call } from '../api.js';
import { Failure, Page, StateBadge } from '../components.js';
import { useLoad } from '../live.js';

export function Profiles() {
  const { data, error } = useLoad(async () => {
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
      <Failure message={error} />
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
                <li key={tool.name}>
                  <code>{tool.name}</code> {tool.description ?? ''}
                </li>
              )),
            )}
          </ul>
        </article>
      ))}
    </Page>
  );
}
