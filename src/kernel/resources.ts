/** Shared resources in SimPy's sense, one file each in resources/: Resource (servers), Container (a level), Store (items). */

export { BaseResource } from './resources/base.js';
export { Request, Resource } from './resources/resource.js';
export type { RequestOptions } from './resources/resource.js';
export { Container, ContainerEvent } from './resources/container.js';
export type { ContainerOptions } from './resources/container.js';
export { Store, StoreGet, StorePut } from './resources/store.js';
