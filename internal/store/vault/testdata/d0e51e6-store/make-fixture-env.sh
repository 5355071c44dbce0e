# usage: . env.sh ROOT
R=$1
export HOME=$R/home XDG_CONFIG_HOME=$R/home/.config XDG_DATA_HOME=$R/home/.local/share XDG_STATE_HOME=$R/home/.local/state XDG_CACHE_HOME=$R/home/.cache
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$R/gitconfig GIT_TERMINAL_PROMPT=0
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 NO_PROXY= no_proxy=
unset ADOPAT_BACKEND ADOPAT_VAULT ADOPAT_CONFIG AZURE_DEVOPS_EXT_PAT SYSTEM_ACCESSTOKEN
mkdir -p $HOME $XDG_CONFIG_HOME; touch $GIT_CONFIG_GLOBAL
