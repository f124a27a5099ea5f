// Argo CD: projects, Applications, ApplicationSets, app of apps, CAPI cluster registration, teams.
export * from './common';
export * from './app-project';
export * from './application';
export * from './application-set';
export * from './registration';
export * from './sync-waves';
export * from './team';
export * from './bootstrap';
