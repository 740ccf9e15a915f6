import {
  householdRowsToShow,
  HOUSEHOLD_MAX,
  initialAssessmentStanding,
  stageAfterAssessment,
  assessmentKindOfSlug,
} from '../../src/domain/caseAssessments';
import { workingDaysDueAt } from '../../src/domain/sla';

describe('the working file: assessment rules', () => {
  it('moves a case forward only, as the stage table allows', () => {
    expect(stageAfterAssessment('intake', 'initial', 'in_depth_assessment')).toBe('in_depth_assessment');
    expect(stageAfterAssessment('intake', 'initial', 'referral_out')).toBe('initial_assessment');
    expect(stageAfterAssessment('initial_assessment', 'initial', 'closure')).toBeNull();
    expect(stageAfterAssessment('initial_assessment', 'in_depth', null)).toBe('in_depth_assessment');
    expect(stageAfterAssessment('intervention', 'initial', 'in_depth_assessment')).toBeNull();
    expect(stageAfterAssessment('terminated', 'in_depth', null)).toBeNull();
  });

  it('offers the filled rows plus blank ones, within bounds', () => {
    expect(householdRowsToShow(0)).toBe(3);
    expect(householdRowsToShow(2)).toBe(4);
    expect(householdRowsToShow(HOUSEHOLD_MAX)).toBe(HOUSEHOLD_MAX);
  });

  it('is overdue only while no initial assessment is saved and the due date has passed', () => {
    // Opened Monday 2 March 2026 (Jakarta); Tuesday a holiday; three working days: due by the end of Friday 6 March.
    const due = workingDaysDueAt(new Date('2026-03-02T02:00:00Z'), 3, new Set(['2026-03-03']));
    expect(due.toISOString()).toBe('2026-03-06T16:59:59.999Z');
    expect(initialAssessmentStanding(due, null, new Date('2026-03-06T16:00:00Z')).overdue).toBe(false);
    expect(initialAssessmentStanding(due, null, new Date('2026-03-06T17:00:00Z')).overdue).toBe(true);
    expect(initialAssessmentStanding(due, new Date('2026-03-09T02:00:00Z'), new Date('2026-03-10T02:00:00Z')).overdue).toBe(false);
  });

  it('reads a kind from its URL', () => {
    expect(assessmentKindOfSlug('initial')).toBe('initial');
    expect(assessmentKindOfSlug('in-depth')).toBe('in_depth');
    expect(assessmentKindOfSlug('in_depth')).toBeUndefined();
  });
});
