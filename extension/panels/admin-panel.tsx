// The admin panel: four tabs (WAI-ARIA tabs pattern: arrow keys, Home/End move between tabs).
import { useRef } from 'preact/hooks';
import type { Me } from '../api-types.ts';
import type { CompanionClient } from '../companion-client.ts';
import { type MessageKey, t } from '../i18n.ts';
import { AuditTab } from './admin/audit-tab.tsx';
import { PermissionsTab } from './admin/permissions-tab.tsx';
import { SettingsTab } from './admin/settings-tab.tsx';
import { TokenManagerTab } from './admin/token-manager-tab.tsx';
import { ADMIN_TABS, type AdminTab } from './admin-tabs.ts';
import type { UsageTarget } from './usage.ts';

/** `onSaved` lets the panel ask `/me` again: a new maximum validity changes the options offered. */
interface Props {
  me: Me;
  client: CompanionClient;
  site: Omit<UsageTarget, 'username'>;
  onSaved(): void;
  /** The admin page drives the tab from its URL. */
  tab: AdminTab;
  onTab(tab: AdminTab): void;
}

export function AdminPanel({ me, client, site, onSaved, tab, onTab: setTab }: Props) {
  const refs = useRef<Partial<Record<AdminTab, HTMLButtonElement | null>>>({});
  const move = (event: KeyboardEvent) => {
    const index = ADMIN_TABS.indexOf(tab);
    const next =
      event.key === 'ArrowRight'
        ? ADMIN_TABS[(index + 1) % ADMIN_TABS.length]
        : event.key === 'ArrowLeft'
          ? ADMIN_TABS[(index + ADMIN_TABS.length - 1) % ADMIN_TABS.length]
          : event.key === 'Home'
            ? ADMIN_TABS[0]
            : event.key === 'End'
              ? ADMIN_TABS[ADMIN_TABS.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    setTab(next);
    refs.current[next]?.focus();
  };
  return (
    <div>
      <div role="tablist" aria-label={t('adminTitle')} onKeyDown={move}>
        {ADMIN_TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`ata-tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`ata-tabpanel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            ref={(el) => {
              refs.current[name] = el;
            }}
            onClick={() => setTab(name)}
          >
            {t(`tab_${name}` as MessageKey)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`ata-tabpanel-${tab}`} aria-labelledby={`ata-tab-${tab}`}>
        {tab === 'settings' && <SettingsTab client={client} onSaved={onSaved} />}
        {tab === 'permissions' && <PermissionsTab client={client} onSaved={onSaved} />}
        {tab === 'tokens' && <TokenManagerTab me={me} client={client} site={site} />}
        {tab === 'audit' && <AuditTab client={client} />}
      </div>
    </div>
  );
}
