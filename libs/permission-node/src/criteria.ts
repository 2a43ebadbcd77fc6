import type { AllOfCriteria, AnyOfCriteria, NotCriteria, PermissionCriteria } from '@trellis/plugin-permission-common';

/** Whether criteria are an `allOf`. @public */
export const isAndCriteria = <T>(criteria: PermissionCriteria<T>): criteria is AllOfCriteria<T> =>
  typeof criteria === 'object' && criteria !== null && Object.hasOwn(criteria, 'allOf');

/** Whether criteria are an `anyOf`. @public */
export const isOrCriteria = <T>(criteria: PermissionCriteria<T>): criteria is AnyOfCriteria<T> =>
  typeof criteria === 'object' && criteria !== null && Object.hasOwn(criteria, 'anyOf');

/** Whether criteria are a `not`. @public */
export const isNotCriteria = <T>(criteria: PermissionCriteria<T>): criteria is NotCriteria<T> =>
  typeof criteria === 'object' && criteria !== null && Object.hasOwn(criteria, 'not');
