export * from './audit';
export * from './operators';
export * from './settings';
