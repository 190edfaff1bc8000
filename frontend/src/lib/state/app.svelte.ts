// App-wide state: backend status (accounts, disk, demo), the agent's settings, open dialogs.
import { getSettings, getStatus, saveSettings, startDemo, errorMessage, type Settings, type Status } from '../api'
import { resolveLanguage } from '../i18n'
import { locale } from '../i18n/locale.svelte'

function browserLanguage(): string {
  return typeof navigator === 'undefined' ? '' : navigator.language
}

class AppState {
  status = $state.raw<Status | null>(null)
  settings = $state.raw<Settings>({ language: 'auto', osLocale: '', agentName: '', theme: 'auto' })
  /** Set when the first Status call fails: the backend is unreachable. */
  error = $state('')
  loaded = $state(false)
  startingDemo = $state(false)
  demoError = $state('')
  settingsOpen = $state(false)
  helpOpen = $state(false)

  readonly hasAccounts = $derived((this.status?.accounts.length ?? 0) > 0)

  async init(): Promise<void> {
    this.error = ''
    // Settings first so the very first paint is in the right language; a failure keeps defaults.
    try {
      this.apply(await getSettings())
    } catch {
      this.apply(this.settings)
    }
    try {
      this.status = await getStatus()
    } catch (e) {
      this.error = errorMessage(e)
    } finally {
      this.loaded = true
    }
  }

  apply(s: Settings): void {
    this.settings = s
    locale.set(resolveLanguage(s.language, s.osLocale, browserLanguage()), s.osLocale || browserLanguage())
    if (typeof document !== 'undefined') {
      const root = document.documentElement
      if (s.theme === 'light' || s.theme === 'dark') root.dataset.theme = s.theme
      else delete root.dataset.theme
    }
  }

  /** Saves through Go; throws with the Go message so the dialog can show it. */
  async save(s: Settings): Promise<void> {
    this.apply(await saveSettings(s))
  }

  async startDemo(): Promise<void> {
    this.startingDemo = true
    this.demoError = ''
    try {
      this.status = await startDemo()
    } catch (e) {
      this.demoError = errorMessage(e)
    } finally {
      this.startingDemo = false
    }
  }

  /** Language the "auto" setting currently resolves to, for the settings dialog. */
  autoLanguage(): 'it' | 'en' {
    return resolveLanguage('auto', this.settings.osLocale, browserLanguage())
  }
}

export const app = new AppState()
