/** Test helpers: the synthetic agreements and events of synthetic.ts (shipped, the demo uses them too). */
export * from './synthetic.ts';
