; Inno Setup script: a Windows installer for the one-folder bundle built by PyInstaller.
; Build the bundle first on Windows:  pyinstaller --noconfirm packaging\ppg_desktop.spec
; then compile this script with Inno Setup 6 (iscc packaging\windows\ppg-desk.iss).
#define AppName "PPG Desk"
#define AppVersion "0.1.0"

[Setup]
AppId={{8C0B7C52-5E0F-4A8D-9B3F-3F0C2A6B9D11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=PPG Desk
DefaultDirName={autopf}\PPG Desk
DefaultGroupName=PPG Desk
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=PPG-Desk-Setup-{#AppVersion}
SetupIconFile=..\..\resources\icons\ppg-desk.ico
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Languages\EnglishBritish.isl"

[Tasks]
Name: "desktopicon"; Description: "Put a PPG Desk icon on the desktop"; Flags: unchecked

[Files]
Source: "..\..\dist\ppg-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\PPG Desk"; Filename: "{app}\ppg-desktop.exe"
Name: "{group}\Uninstall PPG Desk"; Filename: "{uninstallexe}"
Name: "{autodesktop}\PPG Desk"; Filename: "{app}\ppg-desktop.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\ppg-desktop.exe"; Description: "Open PPG Desk now"; Flags: nowait postinstall skipifsilent
