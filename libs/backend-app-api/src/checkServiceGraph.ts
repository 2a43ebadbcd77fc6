import type { InternalFeatureRegistration, InternalServiceFactory } from '@trellis/backend-plugin-api/internal';
import { TrellisError } from '@trellis/errors';
import { pluginBoundServices } from './builtinServices';
import { describe, isExtensionPoint, isServiceRef } from './describeFeature';

type Factories = ReadonlyMap<string, InternalServiceFactory[]>;

/**
 * Checks the services of a feature graph without running a factory: every dependency is a ref or
 * an extension point, every ref has a factory, no root service depends on a plugin service, and no
 * factories depend on each other in a cycle.
 */
export function checkServiceGraph(factories: Factories, registrations: InternalFeatureRegistration[]): TrellisError[] {
  return [...checkDependencies(factories, registrations), ...checkScopes(factories), ...checkCycles(factories)];
}

function hasFactory(factories: Factories, id: string): boolean {
  return factories.has(id) || pluginBoundServices.has(id);
}

function checkDependencies(factories: Factories, registrations: InternalFeatureRegistration[]): TrellisError[] {
  const problems: TrellisError[] = [];
  for (const reg of registrations) {
    for (const [name, dep] of Object.entries(reg.init.deps)) {
      if (!isServiceRef(dep) && !isExtensionPoint(dep)) {
        problems.push(notARef(describe(reg), name, dep));
      } else if (isServiceRef(dep) && !hasFactory(factories, dep.id)) {
        problems.push(missing(`${describe(reg)} depends on service '${dep.id}' (as '${name}')`, dep.id));
      }
    }
  }
  for (const [id, list] of factories) {
    for (const [name, dep] of Object.entries(list[0].deps)) {
      if (!isServiceRef(dep)) {
        problems.push(notARef(`Service '${id}'`, name, dep));
      } else if (!hasFactory(factories, dep.id)) {
        problems.push(missing(`Service '${id}' depends on service '${dep.id}'`, dep.id));
      }
    }
  }
  return problems;
}

function missing(what: string, id: string): TrellisError {
  return new TrellisError(
    'TRELLIS_ERR_MISSING_SERVICE',
    `${what}, which no factory provides and whose ref has no default factory; add one with backend.add(<factory of '${id}'>) or drop the dependency`,
  );
}

function notARef(who: string, name: string, value: unknown): TrellisError {
  return new TrellisError(
    'TRELLIS_ERR_MISSING_SERVICE',
    `${who} depends on '${name}', whose value (${value === null ? 'null' : typeof value}) is neither a service ref nor an extension point; check the import that provides it (an import cycle leaves it undefined) and, for a service, add its factory with backend.add(<factory>)`,
  );
}

function checkScopes(factories: Factories): TrellisError[] {
  const problems: TrellisError[] = [];
  for (const [id, list] of factories) {
    if (list[0].service.scope !== 'root') {
      continue;
    }
    for (const dep of Object.values(list[0].deps).filter(isServiceRef)) {
      if (dep.scope === 'plugin') {
        problems.push(
          new TrellisError(
            'TRELLIS_ERR_SCOPE_VIOLATION',
            `Root service '${id}' depends on plugin-scoped service '${dep.id}'; a root service exists once per backend, so depend on a root service instead or make '${id}' plugin-scoped`,
          ),
        );
      }
    }
  }
  return problems;
}

function checkCycles(factories: Factories): TrellisError[] {
  const problems: TrellisError[] = [];
  const done = new Set<string>();
  const reported = new Set<string>();
  const visit = (id: string, path: string[]): void => {
    if (path.includes(id)) {
      const cycle = [...path.slice(path.indexOf(id)), id];
      const key = cycle.slice(0, -1).sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        problems.push(
          new TrellisError(
            'TRELLIS_ERR_SERVICE_CYCLE',
            `Services depend on each other in a cycle: ${cycle.map((c) => `'${c}'`).join(' -> ')}; break it by removing one of these dependencies`,
          ),
        );
      }
      return;
    }
    if (done.has(id)) {
      return;
    }
    for (const factory of factories.get(id) ?? []) {
      for (const dep of Object.values(factory.deps).filter(isServiceRef)) {
        visit(dep.id, [...path, id]);
      }
    }
    done.add(id);
  };
  for (const id of factories.keys()) {
    visit(id, []);
  }
  return problems;
}
