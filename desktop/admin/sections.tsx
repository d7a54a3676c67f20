import {
  AgentCreate,
  AgentRole,
  AgentUpdate,
  Disposition,
  DispositionInput,
  MediaChannel,
  QueueInput,
  QuickReply,
  QuickReplyInput,
  RoutingPolicy,
  Tag,
  TagInput,
  Team,
  Website,
  WebsiteCreate,
  WebsiteInput,
  type AgentAccount,
  type Queue,
} from '../../protocol/index.ts';
import { t, tn } from '../i18n/index.ts';
import { resourceApi } from './admin-rest.ts';
import { agentsApi, queuesApi, teamsApi, type AdminData } from './admin-data.ts';
import type { Option } from './field-inputs.tsx';
import { checkQuickReply, QuickReplyPreview } from './quick-reply-preview.tsx';
import type { SectionSpec } from './resource-section.tsx';
import { WebsiteExtras } from './website-extras.tsx';

export const ADMIN_SECTIONS = ['agents', 'queues', 'teams', 'quick-replies', 'dispositions', 'tags', 'websites'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

const channels = (): Option[] => MediaChannel.options.map((c) => ({ value: c, label: t(`channel.${c}`) }));
const named = (list: readonly { id: string; name: string }[]): Option[] => list.map((item) => ({ value: item.id, label: item.name }));

/** "Messages kept 30 days, attachments forever", as the websites list shows it. */
const retentionSummary = (w: Website) =>
  t('admin.retentionSummary', {
    messages: w.messageRetentionDays === null ? t('admin.retentionForever') : tn('admin.days', w.messageRetentionDays),
    attachments: w.attachmentRetentionDays === null ? t('admin.retentionForever') : tn('admin.days', w.attachmentRetentionDays),
  });

/** Every section's form and list, built on the protocol schemas. */
export function sectionSpecs(data: AdminData): { [K in AdminSection]: SectionSpec<never> } {
  const agents: SectionSpec<AgentAccount> = {
    name: 'agents',
    title: 'admin.section.agents',
    api: agentsApi,
    createSchema: AgentCreate,
    updateSchema: AgentUpdate,
    fields: [
      { name: 'name', label: 'admin.field.name', kind: 'text' },
      { name: 'email', label: 'admin.field.email', kind: 'email', createOnly: true },
      { name: 'password', label: 'admin.field.password', kind: 'password', optionalOnEdit: true },
      { name: 'role', label: 'admin.field.role', kind: 'select', options: () => AgentRole.options.map((r) => ({ value: r, label: t(`admin.role.${r}`) })) },
      { name: 'maxConcurrent', label: 'admin.field.maxChats', kind: 'number', min: 1, max: 12 },
      { name: 'channels', label: 'admin.field.channels', kind: 'checks', options: channels },
      { name: 'queueIds', label: 'admin.field.queues', kind: 'checks', options: () => named(data.queues.value) },
      { name: 'teamIds', label: 'admin.field.teams', kind: 'checks', options: () => named(data.teams.value) },
      { name: 'active', label: 'admin.field.active', kind: 'checkbox', editOnly: true, hint: 'admin.agent.activeHint' },
    ],
    empty: () => ({ name: '', email: '', password: '', role: 'agent', maxConcurrent: 3, channels: ['chat'], queueIds: [], teamIds: [] }),
    toForm: (a) => ({ name: a.name, password: '', role: a.role, maxConcurrent: a.maxConcurrent, channels: a.channels, queueIds: a.queueIds, teamIds: a.teamIds, active: a.active }),
    rowLabel: (a) => a.name,
    rowDetail: (a) => `${a.email} · ${t(`admin.role.${a.role}`)} · ${t('admin.maxChatsValue', { max: a.maxConcurrent })}${a.active ? '' : ` · ${t('admin.agent.deactivated')}`}`,
    deletable: false,
    onChanged: () => void data.reloadAgents(),
  };
  const queues: SectionSpec<Queue> = {
    name: 'queues',
    title: 'admin.section.queues',
    api: queuesApi,
    createSchema: QueueInput,
    updateSchema: QueueInput.partial(),
    fields: [
      { name: 'name', label: 'admin.field.name', kind: 'text' },
      { name: 'channel', label: 'admin.field.channel', kind: 'select', options: channels },
      { name: 'policy', label: 'admin.field.policy', kind: 'select', options: () => RoutingPolicy.options.map((p) => ({ value: p, label: t(`admin.policy.${p}`) })) },
      { name: 'offerTimeoutSec', label: 'admin.field.offerTimeout', kind: 'number', min: 1, max: 600 },
      { name: 'businessHours', label: 'admin.queue.hours', kind: 'hours' },
      { name: 'wrapUpRequired', label: 'admin.field.wrapUpRequired', kind: 'checkbox' },
    ],
    empty: () => ({ name: '', channel: 'chat', policy: 'longest_idle', offerTimeoutSec: 45, businessHours: null, wrapUpRequired: false }),
    toForm: (q) => ({ name: q.name, channel: q.channel, policy: q.policy, offerTimeoutSec: q.offerTimeoutSec, businessHours: q.businessHours, wrapUpRequired: q.wrapUpRequired }),
    rowLabel: (q) => q.name,
    rowDetail: (q) => `${t(`channel.${q.channel}`)} · ${t(`admin.policy.${q.policy}`)} · ${q.offerTimeoutSec} s${q.wrapUpRequired ? ` · ${t('admin.field.wrapUpRequired')}` : ''}`,
    onChanged: () => void data.reloadQueues(),
  };
  const teams: SectionSpec<Team> = {
    name: 'teams',
    title: 'admin.section.teams',
    api: teamsApi,
    createSchema: Team.omit({ id: true }),
    updateSchema: Team.omit({ id: true }).partial(),
    fields: [
      { name: 'name', label: 'admin.field.name', kind: 'text' },
      { name: 'memberIds', label: 'admin.field.members', kind: 'checks', options: () => named(data.agents.value) },
    ],
    empty: () => ({ name: '', memberIds: [] }),
    toForm: (team) => ({ name: team.name, memberIds: team.memberIds }),
    rowLabel: (team) => team.name,
    rowDetail: (team) => tn('admin.membersCount', team.memberIds.length),
    onChanged: () => void data.reloadTeams(),
  };
  const quickReplies: SectionSpec<QuickReply> = {
    name: 'quick-replies',
    title: 'admin.section.quick-replies',
    api: resourceApi('/quick-replies', 'quickReplies', 'quickReply', QuickReply),
    createSchema: QuickReplyInput,
    updateSchema: QuickReplyInput.partial(),
    fields: [
      { name: 'title', label: 'admin.field.title', kind: 'text' },
      { name: 'body', label: 'admin.field.body', kind: 'textarea', hint: 'admin.qr.hint' },
      { name: 'queueId', label: 'admin.field.queue', kind: 'select', emptyOption: 'admin.global', options: () => named(data.queues.value) },
    ],
    empty: () => ({ title: '', body: '', queueId: null }),
    toForm: (qr) => ({ title: qr.title, body: qr.body, queueId: qr.queueId }),
    rowLabel: (qr) => qr.title,
    rowDetail: (qr) => data.queues.value.find((q) => q.id === qr.queueId)?.name ?? t('admin.global'),
    check: checkQuickReply,
    extra: (values) => <QuickReplyPreview body={String(values.body ?? '')} />,
  };
  const dispositions: SectionSpec<Disposition> = {
    name: 'dispositions',
    title: 'admin.section.dispositions',
    api: resourceApi('/dispositions', 'dispositions', 'disposition', Disposition),
    createSchema: DispositionInput,
    updateSchema: DispositionInput.partial(),
    fields: [
      { name: 'code', label: 'admin.field.code', kind: 'text', hint: 'admin.codeHint' },
      { name: 'label', label: 'admin.field.label', kind: 'text' },
      { name: 'queueIds', label: 'admin.field.queuesOrGlobal', kind: 'checks', options: () => named(data.queues.value) },
      { name: 'active', label: 'admin.field.active', kind: 'checkbox' },
    ],
    empty: () => ({ code: '', label: '', queueIds: [], active: true }),
    toForm: (d) => ({ code: d.code, label: d.label, queueIds: d.queueIds, active: d.active }),
    rowLabel: (d) => d.label,
    rowDetail: (d) => `${d.code}${d.active ? '' : ` · ${t('admin.inactive')}`}`,
  };
  const tags: SectionSpec<Tag> = {
    name: 'tags',
    title: 'admin.section.tags',
    api: resourceApi('/tags', 'tags', 'tag', Tag),
    createSchema: TagInput,
    updateSchema: TagInput.partial(),
    fields: [{ name: 'name', label: 'admin.field.name', kind: 'text' }],
    empty: () => ({ name: '' }),
    toForm: (tag) => ({ name: tag.name }),
    rowLabel: (tag) => tag.name,
  };
  const websites: SectionSpec<Website> = {
    name: 'websites',
    title: 'admin.section.websites',
    api: resourceApi('/websites', 'websites', 'website', Website),
    createSchema: WebsiteCreate,
    updateSchema: WebsiteInput.partial(),
    fields: [
      { name: 'name', label: 'admin.field.name', kind: 'text' },
      { name: 'key', label: 'admin.field.websiteKey', kind: 'text', createOnly: true },
      { name: 'allowedOrigins', label: 'admin.field.origins', kind: 'lines' },
      { name: 'defaultLocale', label: 'admin.field.locale', kind: 'select', options: () => [{ value: 'en', label: t('locale.en') }, { value: 'fr', label: t('locale.fr') }] },
      { name: 'primaryColor', label: 'admin.field.colour', kind: 'color' },
      { name: 'messageRetentionDays', label: 'admin.field.messageRetention', kind: 'number', min: 1, max: 36_500, nullable: true, hint: 'admin.retentionHint' },
      { name: 'attachmentRetentionDays', label: 'admin.field.attachmentRetention', kind: 'number', min: 1, max: 36_500, nullable: true, hint: 'admin.retentionHint' },
    ],
    empty: () => ({ name: '', key: '', allowedOrigins: [], defaultLocale: 'en', primaryColor: '#4f46e5', messageRetentionDays: null, attachmentRetentionDays: null }),
    toForm: (w) => ({
      name: w.name,
      allowedOrigins: w.allowedOrigins,
      defaultLocale: w.defaultLocale,
      primaryColor: w.primaryColor,
      messageRetentionDays: w.messageRetentionDays,
      attachmentRetentionDays: w.attachmentRetentionDays,
    }),
    rowLabel: (w) => w.name,
    rowDetail: (w) => `${w.key} · ${w.allowedOrigins.join(', ') || t('admin.noOrigins')} · ${retentionSummary(w)}`,
    rowExtra: (w) => <WebsiteExtras website={w} />,
    deletable: false,
  };
  // Each spec is typed for its own row type; the view only passes them through.
  return { agents, queues, teams, 'quick-replies': quickReplies, dispositions, tags, websites } as unknown as { [K in AdminSection]: SectionSpec<never> };
}
