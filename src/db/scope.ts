/**
 * What belongs to one open database and must not be shared with another in the same process: the
 * transaction guard, the node keys this process opened for it, caches of what was read from it.
 * Three in-process nodes (the demo, the scenario tests) each open their own database and so each
 * own a scope; nothing here is module-level state.
 *
 * The scope travels with every Kysely handle of the database as a plugin that changes no query, so
 * a use case given only `db` or `tx` reaches its own database's scope (`scopeOf`), and a transaction
 * handle reaches the same scope as the database it was opened from.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/** What a Kysely instance or transaction offers here: its executor's plugins. */
export interface DatabaseHandle {
  getExecutor(): { readonly plugins: ReadonlyArray<KyselyPlugin> };
}

/** A piece of per-database state, created on first use by `init` (a cache, a key ring). */
export class DatabaseSlot<T> {
  readonly #init: () => T;
  constructor(init: () => T) {
    this.#init = init;
  }

  /** This slot's value in the database `handle` belongs to. */
  of(handle: DatabaseHandle): T {
    return scopeOf(handle).get(this);
  }

  /** @internal used by DatabaseScope.get */
  create(): T {
    return this.#init();
  }
}

/**
 * The databases whose `transaction()` callback the current async context runs inside. One storage
 * for the process, not one per database: every live AsyncLocalStorage costs every promise created
 * afterwards a little (Node propagates each one), so one per opened database slowed a process that
 * opens many (the tests, the CLI run in-process) more with each.
 */
const transactionsOpen = new AsyncLocalStorage<ReadonlySet<DatabaseScope>>();

export class DatabaseScope {
  /** True while this database's `transaction()` callback runs here: its outer handle is refused then. */
  get insideTransaction(): boolean {
    return transactionsOpen.getStore()?.has(this) ?? false;
  }

  /** Runs `fn` as inside this database's transaction (see `insideTransaction`). */
  runInTransaction<R>(fn: () => R): R {
    const open = transactionsOpen.getStore();
    return transactionsOpen.run(new Set(open).add(this), fn);
  }

  readonly #slots = new Map<DatabaseSlot<unknown>, unknown>();

  get<T>(slot: DatabaseSlot<T>): T {
    if (this.#slots.has(slot)) {
      // The map is keyed by the slot object and only `get` writes it, with the slot's own T.
      return this.#slots.get(slot) as T;
    }
    const value = slot.create();
    this.#slots.set(slot, value);
    return value;
  }
}

/** Carries the scope on every handle (and every transaction) of one database; queries pass unchanged. */
class ScopePlugin implements KyselyPlugin {
  readonly scope: DatabaseScope;
  constructor(scope: DatabaseScope) {
    this.scope = scope;
  }
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The plugin that ties a new Kysely instance to `scope` (openDatabase). */
export function scopePlugin(scope: DatabaseScope): KyselyPlugin {
  return new ScopePlugin(scope);
}

/** The scope of the database `handle` (a Kysely instance or one of its transactions) belongs to. */
export function scopeOf(handle: DatabaseHandle): DatabaseScope {
  for (const plugin of handle.getExecutor().plugins) if (plugin instanceof ScopePlugin) return plugin.scope;
  throw new Error('this database handle was not opened by openDatabase (src/db/open.ts)');
}
