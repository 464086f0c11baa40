@echo off
rem Netral's MSI runs this as SYSTEM (deferred custom actions) for what its tables cannot say:
rem the ACLs of C:\ProgramData\Netral, the Task Scheduler tasks, and importing the kept list again
rem after an upgrade. IT may run it by hand too, as Administrator (docs/deployment.md).
rem   netral-setup.cmd acl           ProgramData\Netral: users read only; spool: each user a folder
rem   netral-setup.cmd tasks 0^|1     create the Spool and Update tasks; 1 also enables Update
rem   netral-setup.cmd reimport      the database is unusable (status exit 4): import the kept list
rem   netral-setup.cmd untasks       delete both tasks (uninstall)
rem   netral-setup.cmd purge         delete C:\ProgramData\Netral: keys, list, spool (uninstall, PURGE=1)
rem No "a || b": Wine's cmd (8.0) runs b even when a succeeds; "if errorlevel 1" works in both.
setlocal
set "HERE=%~dp0"
set "NETRAL=%~dp0netral.exe"
set "DATA=%ProgramData%\Netral"
if "%~1"=="acl" goto acl
if "%~1"=="tasks" goto tasks
if "%~1"=="reimport" goto reimport
if "%~1"=="untasks" goto untasks
if "%~1"=="purge" goto purge
echo usage: netral-setup.cmd acl^|tasks 0^|1^|reimport^|untasks^|purge 1>&2
exit /b 2

:acl
rem The same rights as the manual steps in docs/deployment.md: SYSTEM and Administrators full,
rem Users read; in spool, Users may make a folder (owned, so theirs alone: CREATOR OWNER full).
if not exist "%DATA%\spool" mkdir "%DATA%\spool"
if errorlevel 1 exit /b 1
icacls "%DATA%" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX >nul
if errorlevel 1 exit /b 1
icacls "%DATA%\spool" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-3-0:(OI)(CI)(IO)F *S-1-5-32-545:(X,WD,AD) >nul
if errorlevel 1 exit /b 1
exit /b 0

:tasks
schtasks /Create /TN "Netral\Spool" /XML "%HERE%tasks\netral-spool.xml" /F >nul
if errorlevel 1 exit /b 1
schtasks /Create /TN "Netral\Update" /XML "%HERE%tasks\netral-update.xml" /F >nul
if errorlevel 1 exit /b 1
if not "%~2"=="1" exit /b 0
schtasks /Change /TN "Netral\Update" /ENABLE >nul
if errorlevel 1 exit /b 1
exit /b 0

:reimport
rem As the Debian package's postinst: only when a kept verified list exists and the database
rem cannot be used (netral status exits 4). Never fails the installation: doctor says what is wrong.
if not exist "%DATA%\data\list.jsonl" exit /b 0
if not exist "%DATA%\data\list.jsonl.minisig" exit /b 0
"%NETRAL%" status >nul 2>&1
if errorlevel 5 exit /b 0
if not errorlevel 4 exit /b 0
"%NETRAL%" import "%DATA%\data\list.jsonl" >nul 2>&1
if errorlevel 1 echo netral: the installed list could not be imported again; run: netral doctor 1>&2
exit /b 0

:untasks
schtasks /Delete /TN "Netral\Spool" /F >nul 2>&1
schtasks /Delete /TN "Netral\Update" /F >nul 2>&1
exit /b 0

:purge
if exist "%DATA%" rmdir /s /q "%DATA%"
exit /b 0
