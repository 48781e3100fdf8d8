#!/usr/bin/env bash
# `npm run demo`: the tool end to end in a throwaway git repository with a throwaway HOME.
# The identity goes to a file in that HOME (SECRETS_KEYCHAIN=off) so the demo never writes
# to your real keychain; everything is deleted at the end.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
demo=$(mktemp -d "${TMPDIR:-/tmp}/secrets-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT

export HOME="$demo/home" XDG_CONFIG_HOME="$demo/home/.config" SECRETS_KEYCHAIN=off NO_COLOR=1
unset SECRETS_IDENTITY SECRETS_IDENTITY_FILE SECRETS_VAULT SECRETS_NOW
mkdir -p "$HOME" "$demo/repo"
cd "$demo/repo"
git init -q -b main
git config user.email demo@example.com

secrets() { node "$root/bin/run.js" "$@"; }
step() { printf '\n$ %s\n' "$*"; }

step secrets enable
secrets enable

step 'printf %s "hunter2-but-longer" | secrets add DB_PASSWORD --description "main database"'
printf %s "hunter2-but-longer" | secrets add DB_PASSWORD --description "main database"

step 'printf %s "prod-token-123456" | secrets add DEPLOY_TOKEN --environment production --rotation-days 30'
printf %s "prod-token-123456" | secrets add DEPLOY_TOKEN --environment production --rotation-days 30

step secrets list
secrets list

step 'secrets get DB_PASSWORD | cat'
secrets get DB_PASSWORD | cat
echo

step 'secrets get DEPLOY_TOKEN --environment production --json'
secrets get DEPLOY_TOKEN --environment production --json

step 'grep -c hunter2 .secrets/vault.db   # the value is encrypted'
grep -c hunter2 .secrets/vault.db || true

step 'secrets get MISSING   # errors are one line with a distinct exit code'
secrets get MISSING || echo "(exit code $?)"

step 'secrets remove DB_PASSWORD'
secrets remove DB_PASSWORD

step secrets list
secrets list

step 'secrets log   # every change is a signed operation naming the ones before it'
secrets log

cat > .gitlab-ci.yml <<'YAML'
deploy:
  environment: production
  script:
    - echo "deploying with the token file at $DEPLOY_TOKEN"
    - echo "its content is $(cat "$DEPLOY_TOKEN")"
    - echo "and the key is $API_KEY"
  secrets:
    DEPLOY_TOKEN:                 # file: true is GitLab's default
      vault: production/deploy/token@ops
    API_KEY:
      gitlab_secrets_manager:
        name: API_KEY
      file: false
YAML
printf '%s\n' '' '$ cat .gitlab-ci.yml'
cat .gitlab-ci.yml

step 'printf %s "api-key-0123456789" | secrets add API_KEY --environment production'
printf %s "api-key-0123456789" | secrets add API_KEY --environment production

step 'secrets run --dry-run   # the plan: which secret each variable gets, never a value'
secrets run --dry-run

step 'secrets run   # the job'"'"'s own script, values masked in its output'
secrets run

printf '\ndemo finished; the throwaway repository and HOME are deleted\n'
