import { Logger } from '@aws-lambda-powertools/logger';

/** The structured logger every function writes through (JSON lines, one per event). */
export const logger = new Logger({ serviceName: 'channel-orchestrator' });
