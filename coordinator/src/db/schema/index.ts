export * from './users';
export * from './hosts';
export * from './work';
export * from './credit';
export * from './science';
export * from './events';
export * from './keys';
