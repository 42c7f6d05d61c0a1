// The types of `cardboss/testing`: the napi-generated `Sandbox` (index.d.ts) plus what
// testing.js adds.
import type { Client, ClientOptions } from './lib'

export { Sandbox, type SandboxOptions } from './index'

declare module './index' {
  interface Sandbox {
    /** A `Client` pointed at this sandbox; `options` are `Client`'s other options. */
    client(options?: Omit<ClientOptions, 'sid' | 'apikey' | 'baseUrl' | 'opsUrl'>): Client
    /** `await using sb = await Sandbox.start()` closes it at the end of the block. */
    [Symbol.asyncDispose](): Promise<void>
  }
}
