import type { Role } from './roles';

export interface NavItem {
  href: string;
  label: string;
}

const items: { href: string; label: string; roles: Role[] }[] = [
  { href: '/staff/queue', label: 'staff.nav.queue', roles: ['triage', 'supervisor'] },
  { href: '/staff/intake', label: 'intake.nav', roles: ['triage', 'supervisor'] },
  { href: '/staff/cases', label: 'staff.nav.cases', roles: ['triage', 'caseworker', 'supervisor'] },
  { href: '/staff/my-work', label: 'myWork.nav', roles: ['caseworker', 'supervisor'] },
  { href: '/staff/partners', label: 'staff.nav.partners', roles: ['admin'] },
  { href: '/staff/departments', label: 'departments.nav', roles: ['admin'] },
  { href: '/staff/users', label: 'staff.nav.users', roles: ['admin'] },
  { href: '/staff/settings', label: 'staff.nav.settings', roles: ['admin'] },
  { href: '/staff/stats', label: 'staff.nav.stats', roles: ['supervisor', 'admin'] },
  { href: '/staff/audit', label: 'staff.nav.audit', roles: ['supervisor', 'admin'] },
  { href: '/staff/approvals', label: 'staff.nav.approvals', roles: ['supervisor'] },
  { href: '/staff/replies', label: 'staff.nav.replies', roles: ['supervisor'] },
  { href: '/staff/factors', label: 'caseAssessments.factors.nav', roles: ['supervisor'] },
  { href: '/staff/outbox', label: 'outbox.navLabel', roles: ['admin'] },
  { href: '/department', label: 'staff.nav.department', roles: ['department'] },
];

/** The back-office menu for a role: only what that role may open. */
export function navigationFor(role: Role): NavItem[] {
  return items.filter((i) => i.roles.includes(role)).map(({ href, label }) => ({ href, label }));
}

/** Where a person lands after signing in. */
export function homeFor(role: Role): string {
  return navigationFor(role)[0]?.href ?? '/account';
}
