export * from './auth';
export * from './workers';
