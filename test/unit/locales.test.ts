import fs from 'node:fs';
import path from 'node:path';
import { loadTranslator, localeTexts, locales } from '../../src/i18n';
import { projectRoot, viewsDir } from '../../src/paths';
import { affectedGroups, categories, contactChannels, reporterRelations, urgencies } from '../../src/domain/reference';
import { reportStatuses } from '../../src/domain/reportStatus';
import { closeReasons, redirectReasons, riskLevels } from '../../src/domain/decisions';
import { caseClosureCodes, caseStages } from '../../src/domain/cases';
import * as limits from '../../src/domain/limits';

const translator = loadTranslator();

function leafKeys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? leafKeys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full, ext) : full.endsWith(ext) ? [full] : [];
  });
}

describe('locale files', () => {
  it('have the same keys in Indonesian and English, none empty', () => {
    const [id, en] = locales.map((l) => localeTexts[l]);
    expect(leafKeys(en).sort()).toEqual(leafKeys(id).sort());
    for (const l of locales) {
      const t = translator.forLocale(l);
      for (const key of leafKeys(id)) expect(t(key).trim()).not.toBe('');
    }
  });

  it('hold every literal key the views and code ask for', () => {
    const sources = [...filesUnder(viewsDir, '.ejs'), ...filesUnder(path.join(projectRoot, 'src'), '.ts')];
    const keys = new Set<string>();
    for (const file of sources) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) keys.add(m[1]!);
    }
    expect(keys.size).toBeGreaterThan(50);
    const missing = [...keys].filter((k) => !k.endsWith('.') && locales.some((l) => !translator.has(l, k)));
    expect(missing).toEqual([]);
  });

  it('name every code a person may see', () => {
    const keys = [
      ...categories.map((c) => `category.${c}`),
      ...affectedGroups.map((g) => `group.${g}`),
      ...urgencies.flatMap((u) => [`urgency.${u}`, `urgency.${u}Hint`]),
      ...reporterRelations.map((r) => `relation.${r}`),
      ...contactChannels.map((c) => `channel.${c}`),
      ...reportStatuses.flatMap((s) => [`publicStatus.${s}.name`, `publicStatus.${s}.explanation`]),
      ...[400, 403, 404, 413, 429, 500].flatMap((s) => [`errors.${s}.title`, `errors.${s}.text`]),
      ...['submitted', 'status_changed', 'reporter_message', 'staff_message'].flatMap((k) => [`timeline.${k}`, `triage.event.${k}`]),
      ...reportStatuses.map((s) => `reportStatus.${s}`),
      ...closeReasons.flatMap((r) => [`closeReason.${r}`, `publicCloseReason.${r}`]),
      ...redirectReasons.map((r) => `redirectReason.${r}`),
      ...riskLevels.map((r) => `riskLevel.${r}`),
      ...caseStages.map((s) => `caseStage.${s}`),
      ...caseClosureCodes.map((r) => `caseClosureReason.${r}`),
      ...['sent', 'received', 'accepted', 'declined'].map((a) => `ackStatus.${a}`),
      ...[
        'opened',
        'note',
        'stage_changed',
        'assigned',
        'risk_changed',
        'hold',
        'resumed',
        'closed',
        'report_added',
        'report_detached',
      ].map((k) => `caseWork.event.${k}`),
      ...[
        'already_decided',
        'claimed_by_other',
        'not_claimed_by_you',
        'not_decided',
        'unknown_case',
        'unknown_assignee',
        'unknown_partner',
        'unknown_duplicate',
        'duplicate_of_itself',
      ].map((r) => `triage.refusal.${r}`),
      ...['accept', 'redirect', 'duplicate', 'close', 'ask', 'escalate', 'claim', 'release', 'reopen'].map((d) => `triage.done.${d}`),
    ];
    const missing = keys.filter((k) => locales.some((l) => !translator.has(l, k)));
    expect(missing).toEqual([]);
  });

  it('name every audit action the code writes', () => {
    const actions = new Set<string>();
    for (const file of filesUnder(path.join(projectRoot, 'src'), '.ts')) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/action: '([a-z_]+\.[a-z_]+)'/g)) actions.add(m[1]!);
      for (const m of text.matchAll(/^\s+[a-z_]+: '((?:report|case)\.[a-z_]+)',$/gm)) actions.add(m[1]!);
    }
    expect(actions.size).toBeGreaterThan(30);
    const missing = [...actions].filter((a) => locales.some((l) => !translator.has(l, `auditAction.${a}`)));
    expect(missing).toEqual([]);
  });

  it('state limits from src/domain/limits.ts: every {CONSTANT} a text names is one, filled in without being passed', () => {
    const named = new Set<string>();
    for (const l of locales) {
      for (const m of JSON.stringify(localeTexts[l]).matchAll(/\{([A-Z][A-Z0-9_]*)\}/g)) named.add(m[1]!);
    }
    expect(named.size).toBeGreaterThan(20);
    expect([...named].filter((name) => !(name in limits))).toEqual([]);
    expect(translator.forLocale('en')('staffForms.errors.note')).toBe(`A note must be ${limits.NOTE_MAX} characters or fewer`);
    expect(translator.forLocale('id')('status.messageHint')).toContain(`Paling banyak ${limits.MESSAGE_MAX} huruf`);
  });

  it('fills placeholders', () => {
    expect(translator.forLocale('id')('status.nextUpdate', { date: 'Senin' })).toBe('Kami akan memberi kabar paling lambat Senin.');
  });
});
