export * from './applications';
export * from './audit';
export * from './borrowers';
export * from './institutions';
export * from './loans';
export * from './operators';
export * from './review';
export * from './settings';
