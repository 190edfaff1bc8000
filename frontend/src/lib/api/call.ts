// Turns a rejected binding call into an Error carrying the Go error message. Wails rejects with
// the error's string; a missing backend (window.go undefined) surfaces as a TypeError.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly method: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export function errorMessage(reason: unknown): string {
  if (reason instanceof Error) return reason.message
  if (typeof reason === 'string') return reason
  if (reason && typeof reason === 'object' && 'message' in reason) return String((reason as { message: unknown }).message)
  return String(reason)
}

export async function call<T>(method: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (reason) {
    throw new ApiError(errorMessage(reason), method)
  }
}
