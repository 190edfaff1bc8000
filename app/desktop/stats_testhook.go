//go:build !dev

package desktop

// testExportDir is empty in release builds: exports always ask where to save.
func testExportDir() string { return "" }
