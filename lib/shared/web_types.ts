/**
 * The fetch API's init types, named from the constructors that take them, so that the public
 * `.d.ts` compiles in every config: with the DOM lib, and in a Node-only project (`lib: ES2022`,
 * `types: ["node"]`), where `@types/node` declares `Headers` and `Response` globally but not the
 * DOM's `HeadersInit` and `BodyInit`.
 *
 * @module
 */

/** What `new Headers(init)` takes: a `Headers`, `[name, value]` pairs or a record. */
export type HeadersInit = NonNullable<ConstructorParameters<typeof Headers>[0]>;

/** What `new Response(body)` takes as a body (a string, bytes, a `Blob`, a stream, ...). */
export type BodyInit = NonNullable<ConstructorParameters<typeof Response>[0]>;
