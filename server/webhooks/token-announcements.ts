// Announces what an administrator did to someone else's tokens: a token created for another user
// (from `token.created`, emitted after the commit) and a token revoked by someone other than its
// owner. A deletion's audit record names the actor and the token but comes before the commit; the
// `token.deleted` event after the commit names only ids. So the record is remembered until its
// event confirms it (a rolled-back deletion is never announced).

import type { WebhookEvent } from '../../shared/api.ts';
import type { AuditListener, AuditService } from '../services/audit-service.ts';
import type { ServiceEventMap, ServiceEvents } from '../services/events.ts';
import type { WebhookTokenFacts } from './payload.ts';

type Announce = (event: WebhookEvent, token: WebhookTokenFacts, actor: string) => void;

interface Revocation {
  token: WebhookTokenFacts;
  actor: string;
}

// Records whose transaction failed are never confirmed; this bounds what they can hold.
const MAX_REMEMBERED = 1_000;

export function announceTokenChanges(deps: {
  events: ServiceEvents;
  audit: AuditService;
  announce: Announce;
}) {
  const revocations = new Map<string, Revocation>();
  const remember = (id: string, revocation: Revocation) => {
    revocations.set(id, revocation);
    if (revocations.size > MAX_REMEMBERED) revocations.delete(revocations.keys().next().value as string);
  };
  const onRecorded: AuditListener = (records) => {
    for (const r of records) {
      const owner = r.subjectUser;
      if (!owner || r.actor.toLowerCase() === owner) continue;
      if (r.action === 'token.deleted' && r.tokenId) {
        remember(r.tokenId, {
          actor: r.actor,
          token: { id: r.tokenId, name: r.tokenName ?? '', owner, expiresAt: null },
        });
      } else if (r.action === 'tokens.deleted_all') {
        const tokens = (r.details?.tokens ?? []) as Array<{ id: string; name: string }>;
        for (const t of tokens)
          remember(t.id, { actor: r.actor, token: { id: t.id, name: t.name, owner, expiresAt: null } });
      }
    }
  };
  const onCreated = ({ token }: ServiceEventMap['token.created'][0]) => {
    if (token.createdBy !== token.owner) deps.announce('token.created_for_user', token, token.createdBy);
  };
  const onDeleted = ({ tokenIds }: ServiceEventMap['token.deleted'][0]) => {
    for (const id of tokenIds) {
      const revocation = revocations.get(id);
      if (!revocation) continue;
      revocations.delete(id);
      deps.announce('token.revoked_by_admin', revocation.token, revocation.actor);
    }
  };
  const stopRecords = deps.audit.onRecorded(onRecorded);
  deps.events.on('token.created', onCreated);
  deps.events.on('token.deleted', onDeleted);
  return {
    stop() {
      stopRecords();
      deps.events.off('token.created', onCreated);
      deps.events.off('token.deleted', onDeleted);
      revocations.clear();
    },
  };
}
