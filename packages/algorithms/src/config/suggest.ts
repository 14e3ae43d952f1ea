export { closedObject, describeIssue, editDistance, formatPath, nearestName, showValue as formatValue, unknownKeysMessage } from '@topiary/core';
export type { DescribedIssue } from '@topiary/core';
