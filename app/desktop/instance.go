package desktop

import (
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// SecondLaunch is Wails' SingleInstanceLock.OnSecondInstanceLaunch: Sportello
// was started again on the same data folder, so the running window is shown,
// un-minimised and focused instead of a second one opening.
func (d *Desktop) SecondLaunch(options.SecondInstanceData) {
	ctx := d.App.ctx
	if ctx == nil {
		return // not started yet: DomReady shows the window anyway
	}
	runtime.WindowShow(ctx)
	runtime.WindowUnminimise(ctx)
	d.core.Log.Info("started again on the same data folder: window brought forward")
}
