# How this fixture was made: by the binaries of commit d0e51e6 (the code
# before token sources), never by hand:
#   git worktree add /tmp/prev d0e51e6 && (cd /tmp/prev && go build -o BIN/ ./cmd/...)
#   PATH=BIN:$PATH unshare -n bash make-fixture.sh BIN ROOT file
# (unshare -n: no network but loopback, so erase's check of contoso fails
# to reach Azure DevOps and records an unchecked refusal). Then
# ROOT/home/.local/share/adopat/{vault.age,identity.txt,vault.age.usage}
# were copied here, ROOT/home/.config/adopat/config to
# internal/backends/testdata/d0e51e6-config. identity.txt is a
# key made for this fixture only; the "PATs" are fakes.
# The last get's use is still in vault.age.usage (not yet folded).
set -u
B=$1; R=$2; BACKEND=$3
. "$(dirname "$0")/make-fixture-env.sh" $R
M="$B/git-credential-adopat-manage --backend $BACKEND"
H="$B/git-credential-adopat"
mkdir -p $XDG_CONFIG_HOME/adopat
printf '# written by hand\nexpiry-warning = 3d\nkeyring-timeout = 5s\n' > $XDG_CONFIG_HOME/adopat/config
$B/git-credential-adopat-manage install --server https://tfs.example.test/tfs/Other --server https://tfs.example.test/tfs
echo "PATFAB0000000000000000000000000000000000000000000001" | $M add --no-verify --org fabrikam --expires 30d --scopes vso.code,vso.packaging --label "laptop, read-only"
echo "PATFABWEB00000000000000000000000000000000000000000002" | $M add --no-verify --org fabrikam --project Web --expires 2027-06-30 --scopes vso.code_write
echo "PATCONTOSO000000000000000000000000000000000000000003" | $M add --no-verify --org contoso --label ci
echo "PATSERVER0000000000000000000000000000000000000000004" | $M add --no-verify --server https://tfs.example.test/tfs --username jdoe --label onprem
echo "PATSERVER2000000000000000000000000000000000000000005" | $M add --no-verify --server https://tfs.example.test/tfs/Other --username ann
for u in "fabrikam/Proj/_git/repo1" "fabrikam/Proj/_git/repo1" "fabrikam/Web/_git/site" "contoso/X/_git/y"; do
  printf 'protocol=https\nhost=dev.azure.com\npath=%s\n\n' "$u" | $H --backend $BACKEND get >/dev/null
done
printf 'protocol=https\nhost=tfs.example.test\npath=tfs/Coll/_git/r\n\n' | $H --backend $BACKEND get >/dev/null
# cloud erase, host unreachable: refusal recorded
printf 'protocol=https\nhost=dev.azure.com\npath=contoso/X/_git/y\nusername=contoso\npassword=PATCONTOSO000000000000000000000000000000000000000003\n\n' | $H --backend $BACKEND erase
# declared server erase: withdrawn
printf 'protocol=https\nhost=tfs.example.test\npath=tfs/Other/Coll/_git/r\nusername=ann\npassword=PATSERVER2000000000000000000000000000000000000000005\n\n' | $H --backend $BACKEND erase
$M list >/dev/null   # folds the journal? 
printf 'protocol=https\nhost=dev.azure.com\npath=fabrikam/Proj/_git/repo2\n\n' | $H --backend $BACKEND get >/dev/null
