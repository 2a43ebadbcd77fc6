import { Entity } from './entity';

/** The `apiVersion` values of the built-in kinds. @public */
export type BuiltInApiVersion = 'backstage.io/v1alpha1' | 'backstage.io/v1beta1';

/** A profile of a `User` or `Group`. @public */
export type EntityProfile = {
  displayName?: string;
  email?: string;
  picture?: string;
};

/** A piece of software: a service, a website, a library. @public */
export interface ComponentEntity extends Entity {
  apiVersion: BuiltInApiVersion;
  kind: 'Component';
  spec: {
    type: string;
    lifecycle: string;
    owner: string;
    subcomponentOf?: string;
    providesApis?: string[];
    consumesApis?: string[];
    dependsOn?: string[];
    dependencyOf?: string[];
    system?: string;
  };
}

/** An interface a component provides; `definition` holds its text (OpenAPI, AsyncAPI, ...). @public */
export interface ApiEntity extends Entity {
  apiVersion: BuiltInApiVersion;
  kind: 'API';
  spec: { type: string; lifecycle: string; owner: string; definition: string; system?: string };
}

/** Infrastructure a component needs at run time: a database, a bucket, a cluster. @public */
export interface ResourceEntity extends Entity {
  apiVersion: BuiltInApiVersion;
  kind: 'Resource';
  spec: { type: string; owner: string; dependsOn?: string[]; dependencyOf?: string[]; system?: string };
}

/** A set of components, APIs and resources that make one product. @public */
export interface SystemEntity extends Entity {
  apiVersion: BuiltInApiVersion;
  kind: 'System';
  spec: { owner: string; domain?: string; type?: string };
}

/** A business area that systems belong to. @public */
export interface DomainEntity extends Entity {
  apiVersion: BuiltInApiVersion;
  kind: 'Domain';
  spec: { owner: string; subdomainOf?: string; type?: string };
}

/** A team or other group of people. @public */
export interface GroupEntity extends Entity {
  apiVersion: BuiltInApiVersion;
  kind: 'Group';
  spec: { type: string; profile?: EntityProfile; parent?: string; children: string[]; members?: string[] };
}

/** A person. @public */
export interface UserEntity extends Entity {
  apiVersion: BuiltInApiVersion;
  kind: 'User';
  spec: { profile?: EntityProfile; memberOf?: string[] };
}

/** A pointer to more catalog files: `target` and `targets` resolve against the file holding it. @public */
export interface LocationEntity extends Entity {
  apiVersion: BuiltInApiVersion;
  kind: 'Location';
  spec: { type?: string; target?: string; targets?: string[]; presence?: 'required' | 'optional' };
}

/** Backstage's names of the same types. @public */
export type ComponentEntityV1alpha1 = ComponentEntity;
/** @public */
export type ApiEntityV1alpha1 = ApiEntity;
/** @public */
export type ResourceEntityV1alpha1 = ResourceEntity;
/** @public */
export type SystemEntityV1alpha1 = SystemEntity;
/** @public */
export type DomainEntityV1alpha1 = DomainEntity;
/** @public */
export type GroupEntityV1alpha1 = GroupEntity;
/** @public */
export type UserEntityV1alpha1 = UserEntity;
/** @public */
export type LocationEntityV1alpha1 = LocationEntity;

const isKind =
  <T extends Entity>(kind: string) =>
  (entity: Entity): entity is T =>
    entity.kind.toLowerCase() === kind;

/** Whether the entity is a `Component` (kind compared without regard to case, as the catalog does). @public */
export const isComponentEntity = isKind<ComponentEntity>('component');
/** Whether the entity is an `API`. @public */
export const isApiEntity = isKind<ApiEntity>('api');
/** Whether the entity is a `Resource`. @public */
export const isResourceEntity = isKind<ResourceEntity>('resource');
/** Whether the entity is a `System`. @public */
export const isSystemEntity = isKind<SystemEntity>('system');
/** Whether the entity is a `Domain`. @public */
export const isDomainEntity = isKind<DomainEntity>('domain');
/** Whether the entity is a `Group`. @public */
export const isGroupEntity = isKind<GroupEntity>('group');
/** Whether the entity is a `User`. @public */
export const isUserEntity = isKind<UserEntity>('user');
/** Whether the entity is a `Location`. @public */
export const isLocationEntity = isKind<LocationEntity>('location');
