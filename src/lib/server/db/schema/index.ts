export * from './auth';
export * from './workers';
export * from './datasets';
export * from './runs';
export * from './deployments';
