import { canMoveCase, caseMovesFrom, caseStages, mayBeAssignedCases, type CaseStage } from '../../src/domain/cases';
import { roles } from '../../src/domain/roles';

describe('case stage table', () => {
  const working: CaseStage[] = ['intake', 'initial_assessment', 'in_depth_assessment', 'intervention_plan', 'intervention', 'monitoring'];

  it('moves an open case between any two different working stages, forward and back', () => {
    const allowed: [CaseStage, CaseStage][] = [];
    for (const from of caseStages) for (const to of caseStages) if (canMoveCase(from, to)) allowed.push([from, to]);
    const expected = working.flatMap((from) => working.filter((to) => to !== from).map((to): [CaseStage, CaseStage] => [from, to]));
    expect(allowed).toEqual(expected);
    expect(allowed).toHaveLength(30);
    expect(canMoveCase('intake', 'initial_assessment')).toBe(true);
    expect(canMoveCase('intake', 'monitoring')).toBe(true);
    expect(canMoveCase('monitoring', 'intake')).toBe(true);
    expect(canMoveCase('intervention', 'in_depth_assessment')).toBe(true);
  });

  it('refuses a move to the stage the case is already in', () => {
    for (const stage of caseStages) expect(canMoveCase(stage, stage)).toBe(false);
  });

  it('never moves a case to terminated: only closing with a reason does', () => {
    for (const from of caseStages) expect(canMoveCase(from, 'terminated')).toBe(false);
  });

  it('nothing leaves terminated', () => {
    for (const to of caseStages) expect(canMoveCase('terminated', to)).toBe(false);
    expect(caseMovesFrom('terminated')).toEqual([]);
  });

  it('offers the allowed moves in LK3 order', () => {
    expect(caseMovesFrom('initial_assessment')).toEqual([
      'intake',
      'in_depth_assessment',
      'intervention_plan',
      'intervention',
      'monitoring',
    ]);
    for (const from of caseStages) for (const to of caseMovesFrom(from)) expect(canMoveCase(from, to)).toBe(true);
  });
});

describe('who may be assigned a case', () => {
  it('caseworkers and supervisors, nobody else', () => {
    expect(roles.filter((role) => mayBeAssignedCases({ role }))).toEqual(['caseworker', 'supervisor']);
  });
});
