; Sportello's per-user Windows installer (NSIS 3.08+, Debian's `nsis`).
; Built by `make windows` (build/windows/package.sh), which defines:
;   VERSION   the version people see (git describe), e.g. v0.2.0-3-gabc1234
;   VERSION4  the same as the four numbers Windows wants, e.g. 0.2.0.3
;   EXE       sportello.exe to install
;   ICON      the app icon (.ico)
;   PNG       the app icon (.png), which Windows shows on notifications
;   WEBVIEW2  Microsoft's WebView2 bootstrapper, run when the runtime is missing
;   OUTFILE   the installer to write
;   SIGN      optional: a command that signs the file given as its argument in place
;
; Per user, no administrator rights: the program goes to
; %LocalAppData%\Programs\Sportello, the Start-menu entry and the uninstaller's
; entry under HKCU. The data (%AppData%\Sportello) is never touched by
; installing or updating, and erased by the uninstaller only when asked:
; tick "Also erase my data", or run `uninstall.exe /S /ERASEDATA`.

; A 64-bit installer for a 64-bit program (Windows 11 on ARM runs both).
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include Sections.nsh
!include WinVer.nsh
!include Win\COM.nsh
!include Win\Propkey.nsh

!define APP "Sportello"
!define EXENAME "sportello.exe"
; The AppUserModelID of the Start-menu entry. Notifications must be sent with
; the same AppID (beeep.AppName) for Windows to show them as Sportello's.
!define AUMID "Sportello"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define AUMID_KEY "Software\Classes\AppUserModelId\${AUMID}"
!define WEBVIEW2_CLIENT "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
; go-keyring files each account's secret in the Credential Manager as "Sportello:<account ID>".
!define CRED_FILTER "${APP}:*"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "CompanyName" "${APP}"
VIAddVersionKey /LANG=0 "LegalCopyright" "© 2026 Sportello"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} installer"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"

!ifdef SIGN
	!finalize '"${SIGN}" "%1"' = 0
	!uninstfinalize '"${SIGN}" "%1"' = 0
!endif

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXENAME}"
!define MUI_FINISHPAGE_RUN_TEXT "$(OPEN_NOW)"
!define MUI_COMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!define MUI_COMPONENTSPAGE_TEXT_TOP "$(KEEP_DATA)"
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the fallback; NSIS picks the one of Windows' display language.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Italian"

LangString OPEN_NOW ${LANG_ENGLISH} "Open Sportello"
LangString OPEN_NOW ${LANG_ITALIAN} "Apri Sportello"
LangString SHORTCUT_DESC ${LANG_ENGLISH} "All your customers' conversations in one queue"
LangString SHORTCUT_DESC ${LANG_ITALIAN} "Tutte le conversazioni dei clienti in una sola coda"
LangString NEEDS_WIN10 ${LANG_ENGLISH} "Sportello needs 64-bit Windows 10 or later."
LangString NEEDS_WIN10 ${LANG_ITALIAN} "Sportello richiede Windows 10 a 64 bit o successivo."
LangString CLOSE_FIRST ${LANG_ENGLISH} "Sportello is open. Close it, then click Retry."
LangString CLOSE_FIRST ${LANG_ITALIAN} "Sportello è aperto. Chiudilo, poi fai clic su Riprova."
LangString WEBVIEW2_INSTALL ${LANG_ENGLISH} "Installing Microsoft Edge WebView2, which shows Sportello's window…"
LangString WEBVIEW2_INSTALL ${LANG_ITALIAN} "Installazione di Microsoft Edge WebView2, che mostra la finestra di Sportello…"
LangString WEBVIEW2_FAILED ${LANG_ENGLISH} "Microsoft Edge WebView2 could not be installed, and Sportello needs it to show its window. Install the WebView2 Runtime from Microsoft's website, then open Sportello."
LangString WEBVIEW2_FAILED ${LANG_ITALIAN} "Non è stato possibile installare Microsoft Edge WebView2, che serve a Sportello per mostrare la finestra. Installa WebView2 Runtime dal sito di Microsoft, poi apri Sportello."
LangString KEEP_DATA ${LANG_ENGLISH} "Your conversations, drafts, settings and account passwords are kept for when you reinstall Sportello (data folder: $APPDATA\${APP}). Tick the box below to erase them too."
LangString KEEP_DATA ${LANG_ITALIAN} "Conversazioni, bozze, impostazioni e password degli account restano per quando reinstalli Sportello (cartella dei dati: $APPDATA\${APP}). Spunta la casella qui sotto per cancellare anche loro."
LangString PROGRAM ${LANG_ENGLISH} "Sportello (the program)"
LangString PROGRAM ${LANG_ITALIAN} "Sportello (il programma)"
LangString ERASE_DATA ${LANG_ENGLISH} "Also erase my data"
LangString ERASE_DATA ${LANG_ITALIAN} "Cancella anche i miei dati"

Function .onInit
	SetShellVarContext current
	${IfNot} ${AtLeastWin10}
		MessageBox MB_OK|MB_ICONSTOP "$(NEEDS_WIN10)" /SD IDOK
		SetErrorLevel 64
		Quit
	${EndIf}
FunctionEnd

; CloseSportelloFirst waits until sportello.exe in $INSTDIR is not running:
; a running program's file cannot be opened for writing.
!macro CLOSE_SPORTELLO_FIRST un
Function ${un}CloseSportelloFirst
	${If} ${FileExists} "$INSTDIR\${EXENAME}"
	retry:
		ClearErrors
		FileOpen $0 "$INSTDIR\${EXENAME}" a
		${If} ${Errors}
			MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(CLOSE_FIRST)" /SD IDCANCEL IDRETRY retry
			SetErrorLevel 2
			Abort "$(CLOSE_FIRST)"
		${EndIf}
		FileClose $0
	${EndIf}
FunctionEnd
!macroend
!insertmacro CLOSE_SPORTELLO_FIRST ""
!insertmacro CLOSE_SPORTELLO_FIRST "un."

; Windows 11 and up-to-date Windows 10 ship the WebView2 Runtime; install it
; (per user, without administrator rights) only when it is missing.
Function InstallWebView2
	ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_CLIENT}" "pv"
	${If} $0 == ""
	${OrIf} $0 == "0.0.0.0"
		ReadRegStr $0 HKCU "Software\${WEBVIEW2_CLIENT}" "pv"
	${EndIf}
	${If} $0 != ""
	${AndIf} $0 != "0.0.0.0"
		Return
	${EndIf}
	SetDetailsPrint both
	DetailPrint "$(WEBVIEW2_INSTALL)"
	SetDetailsPrint listonly
	InitPluginsDir
	File "/oname=$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" "${WEBVIEW2}"
	ClearErrors
	ExecWait '"$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" /silent /install' $1
	${If} ${Errors}
	${OrIf} $1 <> 0
		MessageBox MB_OK|MB_ICONEXCLAMATION "$(WEBVIEW2_FAILED)" /SD IDOK
	${EndIf}
FunctionEnd

; SetShortcutAppID gives the shortcut on the stack Sportello's AppUserModelID,
; which ties the app's windows and notifications to its Start-menu entry.
Function SetShortcutAppID
	Exch $0
	Push $1
	Push $2
	Push $3
	Push $4
	Push $5
	Push $6
	Push $7
	StrCpy $6 ""
	!insertmacro ComHlpr_CreateInProcInstance ${CLSID_ShellLink} ${IID_IShellLink} r1 ""
	${If} $1 P<> 0
		${IUnknown::QueryInterface} $1 '("${IID_IPersistFile}",.r2)'
		${If} $2 P<> 0
			${IPersistFile::Load} $2 '("$0",${STGM_READWRITE}).r6'
			${IUnknown::QueryInterface} $1 '("${IID_IPropertyStore}",.r3)'
			${If} $6 = 0
			${AndIf} $3 P<> 0
				System::Call '*${SYSSTRUCT_PROPERTYKEY}(${PKEY_AppUserModel_ID})p.r4'
				System::Call '*(&w64 "${AUMID}")p.r5'
				System::Call '*(&i2 ${VT_LPWSTR}, &i6 0, p r5, &i8 0)p.r7' ; PROPVARIANT
				${IPropertyStore::SetValue} $3 '($4,$7).r6'
				${If} $6 = 0
					${IPropertyStore::Commit} $3 '().r6'
				${EndIf}
				${If} $6 = 0
					${IPersistFile::Save} $2 '("$0",1).r6'
				${EndIf}
				System::Free $4
				System::Free $5
				System::Free $7
			${EndIf}
			${If} $3 P<> 0
				${IUnknown::Release} $3 ""
			${EndIf}
			${IUnknown::Release} $2 ""
		${EndIf}
		${IUnknown::Release} $1 ""
	${EndIf}
	${If} $6 != 0
		DetailPrint "Could not set the AppUserModelID of $0 (error $6)"
	${EndIf}
	Pop $7
	Pop $6
	Pop $5
	Pop $4
	Pop $3
	Pop $2
	Pop $1
	Pop $0
FunctionEnd

Section "-Program" SecProgram
	SetOutPath "$INSTDIR"
	Call CloseSportelloFirst
	Call InstallWebView2
	File "/oname=${EXENAME}" "${EXE}"
	File "/oname=sportello.png" "${PNG}"
	WriteUninstaller "$INSTDIR\uninstall.exe"

	CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\${EXENAME}" "" "$INSTDIR\${EXENAME}" 0 SW_SHOWNORMAL "" "$(SHORTCUT_DESC)"
	Push "$SMPROGRAMS\${APP}.lnk"
	Call SetShortcutAppID

	; Notifications' name and icon. go-toast fills in what is missing and keeps these.
	WriteRegStr HKCU "${AUMID_KEY}" "DisplayName" "${APP}"
	WriteRegStr HKCU "${AUMID_KEY}" "IconUri" "$INSTDIR\sportello.png"

	WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${APP}"
	WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXENAME},0"
	WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	IntFmt $0 "0x%08X" $0
	WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "un.$(PROGRAM)" UnSecProgram
	SectionIn RO
	Call un.CloseSportelloFirst
	Delete "$SMPROGRAMS\${APP}.lnk"
	Delete "$INSTDIR\${EXENAME}"
	Delete "$INSTDIR\sportello.png"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR" ; only if empty: never remove what someone else put there
	; WebView2's cache for the window (Wails' default place): no data of the agent's.
	RMDir /r "$APPDATA\${EXENAME}"
	DeleteRegKey HKCU "${AUMID_KEY}"
	DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

Section /o "un.$(ERASE_DATA)" UnSecEraseData
	RMDir /r "$APPDATA\${APP}"
	; The accounts' tokens and passwords in the Credential Manager.
	System::Call 'advapi32::CredEnumerateW(w "${CRED_FILTER}", i 0, *i .r1, *p .r2) i .r0'
	${If} $0 <> 0
		StrCpy $3 0
		${DoWhile} $3 < $1
			IntOp $4 $3 * ${NSIS_PTR_SIZE}
			IntOp $4 $2 + $4
			System::Call '*$4(p .r5)'
			System::Call '*$5(i .r6, i .r7, w .r8)' ; CREDENTIALW: Flags, Type, TargetName
			System::Call 'advapi32::CredDeleteW(w r8, i r7, i 0) i .r9'
			IntOp $3 $3 + 1
		${Loop}
		System::Call 'advapi32::CredFree(p r2)'
	${EndIf}
SectionEnd

Function un.onInit
	SetShellVarContext current
	${GetParameters} $0
	ClearErrors
	${GetOptions} $0 "/ERASEDATA" $1
	${IfNot} ${Errors}
		!insertmacro SelectSection ${UnSecEraseData}
	${EndIf}
FunctionEnd
