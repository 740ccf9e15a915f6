/**
 * The one way a service says "no". Every service action that can be refused answers with an
 * `Outcome`: `{ ok: true, ...what it made }` or `{ ok: false, problem: '<code>', ...details }`.
 * The route turns a problem code into a page or an HTTP answer; services never throw HTTP errors.
 * A query answers with the thing or `undefined` (not there, or not this person's to see — routes
 * give both the same 404).
 */
export type Refused<P extends string, D extends object = object> = { readonly ok: false; readonly problem: P } & D;
export type Done<T extends object = object> = { readonly ok: true } & T;
export type Outcome<T extends object, P extends string> = Done<T> | Refused<P>;

/** `done()` or `done({ id })`. */
export function done(): Done;
export function done<T extends object>(value: T): Done<T>;
export function done<T extends object>(value?: T): Done<T> {
  return { ok: true, ...(value as T) };
}

/** `refuse('not_found')` or `refuse('duplicate_reference', { existingReference })`. */
export function refuse<P extends string>(problem: P): Refused<P>;
export function refuse<P extends string, D extends object>(problem: P, details: D): Refused<P, D>;
export function refuse<P extends string, D extends object>(problem: P, details?: D): Refused<P, D> {
  return { ok: false, problem, ...(details as D) };
}
