// Which main view the window shows: the queue (the agent's work) or the statistics (the lead's).
export type View = 'queue' | 'stats'

let current = $state<View>('queue')

export const view = {
  get current(): View {
    return current
  },
  set(v: View) {
    current = v
  },
}
