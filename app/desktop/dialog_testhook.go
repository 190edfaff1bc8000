//go:build !dev

package desktop

// testDialogDir is empty in release builds: exports and imports always ask
// for the file in the native dialog.
func testDialogDir() string { return "" }
