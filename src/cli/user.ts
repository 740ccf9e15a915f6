import { parseArgs } from 'node:util';
import { openLentera } from '../lentera';
import { readEnvironment } from '../env';
import { COULD_NOT_RUN, openForCommand, runFromShell } from './command';
import { isRole, roles } from '../domain/roles';
import { grantsContent, isPasswordLengthAllowed, needsDepartment } from '../domain/accounts';
import { normalizeEmail } from '../domain/email';
import { PASSWORD_MAX, PASSWORD_MIN } from '../domain/limits';
import { emailField, nameField } from '../validation/accountFields';

export interface UserCommandIo {
  env: NodeJS.ProcessEnv;
  /** All of standard input (only read with --password-stdin). */
  readStdin: () => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
  now?: () => Date;
}

const usage = `Usage: npm run user -- create --email EMAIL --name "NAME" --role ROLE [--department DEPARTMENT] [--password-stdin]

  ROLE is one of: ${roles.join(', ')}.
  DEPARTMENT (id or name) is required for the department role, and only for it.
  --password-stdin reads the password (${PASSWORD_MIN}-${PASSWORD_MAX} characters) from standard input, e.g.
      printf '%s' "$PASSWORD" | npm run user -- create ... --password-stdin
  Without it, a one-time invitation link is printed for the person to set their own password.
  Everyone enrols a second factor (TOTP) at their first sign-in when REQUIRE_2FA is on.
  The triage, caseworker and supervisor roles read report content: every supervisor is emailed
  when this command grants one. (In the web pages, an administrator's request for one of these
  roles waits for a supervisor's approval; the first supervisor is therefore created here.)`;

const messages: Record<string, string> = {
  email_missing: 'Give an email address with --email.',
  email_invalid: 'The email address is not valid.',
  name_missing: 'Give a name with --name.',
  name_long: 'The name can be at most 100 characters.',
  email_taken: 'There is already an account with this email address.',
  department_required: 'The department role needs --department (an id or name of an active department).',
  department_unknown: 'No active department with that id or name.',
  // The text rule's shared messages (domain/text.ts), said for the one place they can come from here.
  'forms.errors.line_break': 'The name and email address must each be on one line.',
  'forms.errors.control_character': 'The name or email address holds a control character; type it again.',
  'forms.errors.invalid_character':
    'The name or email address holds a character that is not valid text (U+FFFD or a broken one); type it again.',
};

/** Standard input without the one line ending a shell or `echo` adds. */
const withoutFinalNewline = (text: string) => text.replace(/\r?\n$/, '');

/**
 * `npm run user -- create …`: creates a staff or department account. Returns the exit code: 0
 * created, 1 refused (an email already in use…), 2 a wrong call or could not run (the reason is printed).
 * Exported so that the tests call it with argv, as the shell would.
 */
export async function runUserCommand(argv: string[], io: UserCommandIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        department: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.out(usage);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'create') {
    io.err(usage);
    return 2;
  }
  const email = emailField.safeParse(values.email ?? '');
  const name = nameField.safeParse(values.name ?? '');
  const problems = [
    ...(email.success ? [] : [email.error.issues[0]!.message]),
    ...(name.success ? [] : [name.error.issues[0]!.message]),
  ].map((m) => messages[m] ?? m);
  if (!isRole(values.role)) problems.push(`Give a role with --role: one of ${roles.join(', ')}.`);
  else if (!needsDepartment(values.role) && values.department !== undefined) problems.push('Only the department role takes --department.');
  if (problems.length > 0 || !email.success || !name.success || !isRole(values.role)) {
    io.err(problems.join('\n'));
    return 2;
  }

  let password: string | null = null;
  if (values['password-stdin']) {
    password = withoutFinalNewline(await io.readStdin());
    if (!isPasswordLengthAllowed(password)) {
      io.err(`The password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long.`);
      return 2;
    }
  }

  // Like the server: may create the database (and, for an empty one, the data key); checks the key.
  const lentera = openForCommand(() => openLentera(io.env, { create: true, now: io.now, log: io.err }), io.err);
  if (!lentera) return COULD_NOT_RUN;
  const { config, services } = lentera;
  try {
    const { accountService } = services;
    let departmentId: number | null = null;
    if (needsDepartment(values.role)) {
      departmentId = values.department === undefined ? null : (accountService.findDepartment(values.department) ?? -1);
      if (departmentId === null || departmentId === -1) {
        io.err(messages[departmentId === null ? 'department_required' : 'department_unknown']!);
        return 2;
      }
    }
    const result = await accountService.createFromCommandLine(
      { email: email.data, name: name.data, role: values.role, departmentId },
      password,
    );
    if (!result.ok) {
      io.err(messages[result.problem] ?? result.problem);
      return 1;
    }
    const shownEmail = normalizeEmail(email.data);
    if (result.invitationLink) {
      io.out(`Invited ${shownEmail} (${values.role}), account #${result.id}.`);
      io.out(`Send them this one-time link (works once, for 72 hours) to set their password:\n  ${result.invitationLink}`);
      io.out(`It is also emailed to ${shownEmail}: the email goes out with the server's next outbox run (or npm run outbox:drain).`);
    } else {
      io.out(
        `Created ${shownEmail} (${values.role}), account #${result.id}.${config.require2fa ? ' They enrol a second factor at their first sign-in.' : ''}`,
      );
    }
    // Direct from the shell (its holder holds the data key anyway), but never unnoticed.
    if (grantsContent(values.role))
      io.out('Every active supervisor is told by email that this role, which reads report content, was granted from the server.');
    return 0;
  } finally {
    lentera.close();
  }
}

function readAllStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

if (require.main === module) {
  runFromShell(() =>
    runUserCommand(process.argv.slice(2), {
      env: readEnvironment(),
      readStdin: readAllStdin,
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    }),
  );
}
