// Command sportello is the desktop workstation for social customer care.
package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
	_ "time/tzdata" // time zones for SLA calendars on systems without a zone database (Windows)

	"github.com/gen2brain/beeep"
	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/mac"
	"github.com/wailsapp/wails/v2/pkg/options/windows"

	"sportello/app"
	"sportello/app/desktop"
	"sportello/app/instance"
	"sportello/app/prefs"
	"sportello/app/store"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	// Headless subcommands run before anything that needs a display.
	if len(args) > 0 && args[0] == "export" {
		return runExport(args[1:], stderr)
	}
	fs := flag.NewFlagSet("sportello", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", "", "folder for Sportello's data (default: the OS's per-user data folder)")
	demoFlag := fs.Bool("demo", false, "open the demo workspace when no account is connected")
	showVersion := fs.Bool("version", false, "print the version and exit")
	verbose := fs.Bool("verbose", false, "log debug details to stderr")
	minFree := fs.Int64("min-free-mb", 256, "pause writing when the data folder's disk has less than this many MiB free")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stderr, "sportello", version)
		return 0
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if *dataDir == "" {
		d, err := prefs.DataDir()
		if err != nil {
			fmt.Fprintln(stderr, "sportello: cannot find the user data folder:", err, "(use --data-dir)")
			return 1
		}
		*dataDir = d
	}

	notifier := desktop.NewNotifier()
	beeep.AppName = "Sportello"
	core, err := app.New(app.Config{DataDir: *dataDir, MinFree: *minFree << 20, Version: version, Logger: log,
		OnQueueChange: notifier.QueueChanged, OnStatus: notifier.StatusChanged, OnNotice: notifier.Notice, OnOutbox: notifier.Outbox,
		Notify: func(title, body string) error { return beeep.Notify(title, body, icon) }})
	if err != nil {
		msg := "Sportello cannot open its data: " + err.Error()
		if errors.Is(err, store.ErrLocked) {
			// Wails checks its single-instance lock only inside wails.Run, after
			// the store: ask the running window to come forward from here.
			if instance.Signal(*dataDir) == nil {
				log.Info("Sportello is already open on this data folder: brought its window forward")
				return 0
			}
			msg = "Sportello is already open. " + err.Error()
		}
		fmt.Fprintln(stderr, "sportello:", msg)
		alert("Sportello", msg)
		return 1
	}
	if err := core.Start(); err != nil {
		fmt.Fprintln(stderr, "sportello:", err)
		core.Close()
		return 1
	}
	if *demoFlag {
		accts, err := core.Store.Accounts()
		if err == nil && len(accts) == 0 {
			err = core.StartDemo()
		}
		if err != nil {
			log.Error("demo workspace", "err", err)
		}
	}
	d := desktop.New(core, notifier)
	err = wails.Run(&options.App{
		Title:                    "Sportello",
		Width:                    1280,
		Height:                   800,
		MinWidth:                 960,
		MinHeight:                600,
		StartHidden:              true,
		BackgroundColour:         &options.RGBA{R: 246, G: 247, B: 249, A: 255},
		AssetServer:              &assetserver.Options{Assets: assets},
		OnStartup:                d.Startup,
		OnDomReady:               d.DomReady,
		OnShutdown:               d.Shutdown,
		Bind:                     d.Bind(),
		SingleInstanceLock:       &options.SingleInstanceLock{UniqueId: instance.ID(*dataDir), OnSecondInstanceLaunch: d.SecondLaunch},
		EnableDefaultContextMenu: false,
		Linux:                    &linux.Options{Icon: icon, ProgramName: "sportello", WindowIsTranslucent: false},
		Windows:                  &windows.Options{Theme: windows.SystemDefault},
		Mac:                      &mac.Options{Appearance: mac.DefaultAppearance, About: &mac.AboutInfo{Title: "Sportello", Message: version, Icon: icon}},
	})
	if err != nil {
		fmt.Fprintln(stderr, "sportello:", err)
		core.Close()
		return 1
	}
	return 0
}

// alert shows a native notification for errors a windowed user would not see
// on a terminal; it never blocks for long.
func alert(title, body string) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = beeep.Notify(title, body, icon)
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
	}
}
