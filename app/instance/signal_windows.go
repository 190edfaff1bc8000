package instance

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32                   = windows.NewLazySystemDLL("user32.dll")
	findWindowEx             = user32.NewProc("FindWindowExW")
	getWindowThreadProcessID = user32.NewProc("GetWindowThreadProcessId")
	allowSetForegroundWindow = user32.NewProc("AllowSetForegroundWindow")
	sendMessageTimeout       = user32.NewProc("SendMessageTimeoutW")
)

const (
	wmCopyData       = 0x004A
	smtoAbortIfHung  = 0x0002
	hwndMessage      = ^uintptr(2) // HWND_MESSAGE, (HWND)-3
	wailsCopyDataTag = 1542        // Wails' WMCOPYDATA_SINGLE_INSTANCE_DATA
)

type copyData struct {
	data uintptr
	size uint32
	ptr  uintptr
}

// signal finds the message-only window Wails v2 creates for id
// (internal/frontend/desktop/windows/single_instance.go) and sends it msg.
func signal(id, msg string) error {
	class, err := windows.UTF16PtrFromString("wails-app-" + id + "-sic")
	if err != nil {
		return err
	}
	title, err := windows.UTF16PtrFromString("wails-app-" + id + "-siw")
	if err != nil {
		return err
	}
	hwnd, _, _ := findWindowEx.Call(hwndMessage, 0, uintptr(unsafe.Pointer(class)), uintptr(unsafe.Pointer(title)))
	if hwnd == 0 {
		hwnd, _, _ = findWindowEx.Call(0, 0, uintptr(unsafe.Pointer(class)), uintptr(unsafe.Pointer(title)))
	}
	if hwnd == 0 {
		return ErrNoInstance
	}
	// This launch may bring windows to the front (the user just started it);
	// hand that right to the running instance, or Windows only flashes its button.
	var pid uint32
	getWindowThreadProcessID.Call(hwnd, uintptr(unsafe.Pointer(&pid)))
	if pid != 0 {
		allowSetForegroundWindow.Call(uintptr(pid))
	}
	text, err := windows.UTF16FromString(msg)
	if err != nil {
		return err
	}
	cd := copyData{data: wailsCopyDataTag, size: uint32(len(text) * 2), ptr: uintptr(unsafe.Pointer(&text[0]))}
	var result uintptr
	r, _, err := sendMessageTimeout.Call(hwnd, wmCopyData, 0, uintptr(unsafe.Pointer(&cd)), smtoAbortIfHung, 5000, uintptr(unsafe.Pointer(&result)))
	runtime.KeepAlive(text)
	if r == 0 {
		return fmt.Errorf("running Sportello did not answer: %w", err)
	}
	return nil
}
