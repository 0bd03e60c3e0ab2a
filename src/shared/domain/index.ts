/** Public API of the domain rules (pure; see README.md in this folder). */
export * from './findings';
export * from './review';
export * from './regions';
export * from './idcard';
export * from './contact-info';
export * from './mask';
export * from './ocr';
export * from './face';
export * from './contacts';
export * from './schedule';
export * from './apr';
export * from './delinquency';
export * from './lines';
export * from './settings';
