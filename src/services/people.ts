// Reads of the people graph shared by the person page and the API: a person named as the audience may see them.
import type { Audience, Collaborator, Store } from '../store/ports.ts';

/**
 * Collaborators, each by the first of their names `audience` may see (a private show's spelling stays private); one
 * it may see none of is left out.
 */
export async function visibleCollaborators(
  store: Store,
  collaborators: readonly Collaborator[],
  audience: Audience,
): Promise<Collaborator[]> {
  const out: Collaborator[] = [];
  for (const c of collaborators) {
    const [name] = await store.people.names(c.person.id, { audience });
    if (name) out.push({ ...c, person: { ...name, id: c.person.id } });
  }
  return out;
}
