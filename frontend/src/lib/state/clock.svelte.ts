// One shared "now" for countdowns, ticking every 15 s; reading it subscribes a component.
let now = $state(Date.now())
let timer: ReturnType<typeof setInterval> | undefined

export const clock = {
  get now(): number {
    if (!timer && typeof window !== 'undefined') timer = setInterval(() => (now = Date.now()), 15_000)
    return now
  },
  /** Refreshes immediately (after an action, so a countdown never looks stale). */
  tick() {
    now = Date.now()
  },
}
