import { z } from 'zod';
import { loadTranslator, locales } from '../../src/i18n';
import { loadAreaDirectory } from '../../src/data/areaReference';
import { loadConfig } from '../../src/config';
import { errorKey, errorText, formErrors, FALLBACK_ERROR, type FieldIssue } from '../../src/routes/formErrors';
import { askSchema, caseChangeSchemas, decisionSchemas, escalateSchema, respondSchema } from '../../src/routes/staff/decisionForms';
import { parseReportForm, reportFieldOrder, reportFormValues } from '../../src/routes/public/reportForm';
import { parseReferralForm, referralFieldOrder, referralFormValues } from '../../src/routes/department/referralForm';
import { parsePartnerForm, partnerFieldOrder, partnerFormValues } from '../../src/routes/staff/partnerForm';
import { parseAcknowledgementForm } from '../../src/routes/acknowledgementForm';
import { referralSchema } from '../../src/routes/referralSchema';
import { changePasswordSchema, codeSchema, loginSchema, passwordSchema, setupSchema } from '../../src/routes/auth/authRoutes';
import { messageSchema as statusMessageSchema } from '../../src/routes/public/statusRoutes';
import { messageSchema as departmentMessageSchema } from '../../src/routes/department/departmentRoutes';
import { inviteSchema } from '../../src/routes/staff/userRoutes';
import { labelSchema, nameSchema } from '../../src/routes/staff/departmentAdminRoutes';
import { rangeSchema } from '../../src/routes/staff/statsRoutes';
import { holidaySchema } from '../../src/routes/staff/settingsRoutes';
import { filterSchema } from '../../src/routes/staff/auditRoutes';
import { savedReplySchema } from '../../src/routes/staff/savedReplyRoutes';
import {
  inDepthFieldOrder,
  inDepthFormValues,
  initialFieldOrder,
  initialFormValues,
  newFactorSchema,
  parseInDepth,
  parseInitial,
} from '../../src/routes/staff/caseAssessmentForms';
import { conferenceSchema, referralSchema as caseReferralSchema } from '../../src/routes/staff/caseReferralForms';
import { followUpForm, planForms } from '../../src/routes/staff/casePlanForms';

/**
 * Every message a form can show is a key that exists in both locale files. A zod schema that
 * forgets to name its error (an enum or a union without `error`) reports zod's own "Invalid input",
 * which formErrors would look up as `staffForms.errors.Invalid input`. So this walks every form's
 * schema — each of its fields missing, empty, too long, of the wrong kind — and checks the key of
 * each issue it raises. A new form belongs in `forms` below.
 */

const translator = loadTranslator();
const areas = loadAreaDirectory(loadConfig({}).areasCsv);
const TODAY = '2026-03-15';

interface FormUnderTest {
  name: string;
  prefix: string;
  fields: readonly string[];
  /** The issues for a body; every field a string (forms read text values) unless `json`. */
  issues(values: Record<string, unknown>): readonly FieldIssue[];
  /** Bodies come as JSON (the API), so any type may arrive. */
  json?: boolean;
  /** The route reads every field with textValue(), so a field left out arrives as ''. */
  everyFieldText?: boolean;
}

type AnySchema = z.ZodType;

/** The field names of an object schema, under its refinements, transforms and pipes. */
function fieldsOf(schema: AnySchema): string[] {
  let s: unknown = schema;
  for (let i = 0; i < 10; i += 1) {
    if (s instanceof z.ZodObject) return Object.keys(s.shape);
    if (s instanceof z.ZodPipe) s = s.in;
    else break;
  }
  throw new Error('not an object schema');
}

const zodIssues = (schema: AnySchema) => (values: Record<string, unknown>) => {
  const result = schema.safeParse(values);
  return result.success ? [] : result.error.issues;
};

function fromSchema(name: string, prefix: string, schema: AnySchema, everyFieldText = false): FormUnderTest {
  return { name, prefix, fields: fieldsOf(schema), issues: zodIssues(schema), everyFieldText };
}

/** A form whose route reads each field with textValue(): what its schema can ever be given. */
const textForm = (name: string, prefix: string, schema: AnySchema) => fromSchema(name, prefix, schema, true);

const asStrings = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'string' || Array.isArray(v))) as Record<string, unknown>;

const forms: FormUnderTest[] = [
  ...Object.entries(decisionSchemas).map(([form, schema]) => fromSchema(`decision ${form}`, 'staffForms.errors', schema)),
  fromSchema('ask', 'staffForms.errors', askSchema),
  fromSchema('respond', 'staffForms.errors', respondSchema),
  fromSchema('escalate', 'staffForms.errors', escalateSchema),
  ...Object.entries(caseChangeSchemas).map(([form, schema]) => fromSchema(`case ${form}`, 'staffForms.errors', schema)),
  {
    name: 'report form',
    prefix: 'report.errors',
    fields: reportFieldOrder,
    issues: (v) => {
      const r = parseReportForm(reportFormValues(v), areas, 'id');
      return r.ok ? [] : r.issues;
    },
  },
  {
    name: 'department referral form',
    prefix: 'referral.errors',
    fields: referralFieldOrder,
    issues: (v) => {
      const r = parseReferralForm(referralFormValues(v), areas, TODAY);
      return r.ok ? [] : r.issues;
    },
  },
  { ...fromSchema('referral API', 'referral.errors', referralSchema(areas, TODAY)), json: true },
  {
    name: 'partner form',
    prefix: 'partners.errors',
    fields: partnerFieldOrder,
    issues: (v) => {
      const r = parsePartnerForm(partnerFormValues(v), areas);
      return r.ok ? [] : r.issues;
    },
  },
  {
    name: 'acknowledgement form',
    prefix: 'ack.errors',
    fields: ['answer', 'reason'],
    issues: (v) => {
      const r = parseAcknowledgementForm(v.answer, v.reason);
      return r.ok ? [] : r.issues;
    },
  },
  textForm('sign-in', 'auth.errors', loginSchema),
  textForm('second factor', 'auth.errors', codeSchema),
  textForm('first administrator', 'auth.errors', setupSchema),
  textForm('invitation', 'auth.errors', passwordSchema),
  textForm('password change', 'auth.errors', changePasswordSchema),
  textForm('status message', 'status.errors', statusMessageSchema),
  textForm('department message', 'referral.errors', departmentMessageSchema),
  textForm('account invitation', 'users.errors', inviteSchema),
  textForm('department name', 'departments.errors', nameSchema),
  textForm('API token label', 'apiTokens.errors', labelSchema),
  textForm('statistics range', 'stats.errors', rangeSchema),
  textForm('holiday', 'settings.errors', holidaySchema(TODAY)),
  textForm('audit filters', 'audit.errors', filterSchema),
  textForm('saved reply', 'savedReplies.errors', savedReplySchema),
  fromSchema('case referral out', 'caseReferral.errors', caseReferralSchema(TODAY)),
  fromSchema('case conference', 'caseConference.errors', conferenceSchema(TODAY)),
  ...Object.entries({
    goal: planForms.goal,
    goaledit: planForms.goaledit(1),
    activity: planForms.activity,
    activityedit: planForms.activityedit(1),
    progress: planForms.progress(1),
    review: planForms.review,
    reviewdate: planForms.reviewdate,
  }).map(([form, schema]) => fromSchema(`case plan ${form}`, 'casePlan.errors', schema)),
  fromSchema('case follow-up', 'casePlan.errors', followUpForm),
  {
    name: 'initial assessment',
    prefix: 'caseAssessments.errors',
    fields: ['household_rows', ...initialFieldOrder(2).filter((f) => f !== 'household')],
    issues: (v) => {
      const r = parseInitial(initialFormValues(v));
      return r.ok ? [] : r.issues;
    },
  },
  {
    name: 'in-depth assessment',
    prefix: 'caseAssessments.errors',
    fields: inDepthFieldOrder(2).filter((f) => f !== 'concerns'),
    issues: (v) => {
      const household = [
        { name: 'Sari', relation: 'mother', ageGroup: 'age_18_59', role: '' },
        { name: 'Dodi', relation: 'child', ageGroup: 'age_13_17', role: '' },
      ] as const;
      const r = parseInDepth(inDepthFormValues(v, 2), [...household]);
      return r.ok ? [] : r.issues;
    },
  },
  textForm('assessment factor', 'caseAssessments.errors', newFactorSchema),
];

/** What a person (or a broken client) may send in one field. */
const textCandidates: (string | undefined)[] = [
  undefined,
  '',
  ' ',
  'x',
  'abc',
  '0',
  '-1',
  '1.5',
  '12',
  '99999999999999999999',
  '2026-13-45',
  '2026-03-14',
  '2031-03-15',
  'LK3/2026/0001',
  'LAP-2026-000001',
  'nama@contoh.id',
  'line\nbreak',
  'nul\u0000',
  'broken \uFFFD',
  'a'.repeat(10_001),
];
const jsonCandidates: unknown[] = [...textCandidates, null, 12, -3, 1.5, true, ['a'], {}, { state: 'obtained' }, { state: 'not_obtained' }];

/** Every body this walk sends: all fields missing, all at one candidate, and each field alone varied. */
function bodies(form: FormUnderTest): Record<string, unknown>[] {
  const candidates = form.json ? jsonCandidates : textCandidates;
  const out: Record<string, unknown>[] = [{}];
  for (const c of candidates) out.push(Object.fromEntries(form.fields.map((f) => [f, c])));
  for (const field of form.fields) {
    for (const c of candidates) out.push({ [field]: c });
    for (const c of candidates) out.push({ ...Object.fromEntries(form.fields.map((f) => [f, ''])), [field]: c });
  }
  return out.map((b) => {
    if (form.json) return b;
    const text = asStrings(b);
    return form.everyFieldText ? { ...Object.fromEntries(form.fields.map((f) => [f, ''])), ...text } : text;
  });
}

describe('validation messages are always words, never keys', () => {
  test.each(forms.map((f) => [f.name, f] as const))('%s: every issue it raises has a text in both languages', (_name, form) => {
    const missing = new Set<string>();
    let issuesSeen = 0;
    for (const body of bodies(form)) {
      for (const issue of form.issues(body)) {
        issuesSeen += 1;
        const key = errorKey(form.prefix, issue.message);
        for (const locale of locales) {
          if (!translator.has(locale, key))
            missing.add(`${locale}: ${key} (field ${String(issue.path.join('.'))}, body ${JSON.stringify(body).slice(0, 120)})`);
        }
      }
    }
    // The walk reached the schema: a form that raised nothing would prove nothing.
    expect(issuesSeen).toBeGreaterThan(0);
    expect([...missing]).toEqual([]);
  });

  test('a message with no text reads as the general one, never as its key', () => {
    for (const locale of locales) {
      const t = translator.forLocale(locale);
      expect(translator.has(locale, FALLBACK_ERROR)).toBe(true);
      expect(errorText(t, 'staffForms.errors', 'Invalid input')).toBe(t(FALLBACK_ERROR));
      const [error] = formErrors([{ path: ['accept-risk'], message: 'Invalid input' }], t, 'staffForms.errors', ['accept-risk']);
      expect(error!.text).toBe(t(FALLBACK_ERROR));
      expect(error!.text).not.toContain('staffForms');
      // A key that exists is used as it is.
      expect(errorText(t, 'staffForms.errors', 'risk')).toBe(t('staffForms.errors.risk'));
    }
  });
});
