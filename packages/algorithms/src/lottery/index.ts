export { lotteryTicket } from './lottery-ticket.js';
export type { LotteryModel, LotteryRound, LotteryRoundRecord, LotteryTicketOptions, LotteryTicketResult, LotteryTrainerOptions } from './lottery-ticket.js';
export { lotteryPruneCount, pruneByMagnitude } from './magnitude-prune.js';
export type { LotteryScope } from './magnitude-prune.js';
