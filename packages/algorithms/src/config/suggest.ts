export { closedObject, describeIssue, editDistance, nearestName, showValue as formatValue, unknownKeysMessage } from '@topiary/core';
export type { DescribedIssue } from '@topiary/core';
