// What each real CI file of the corpus should give, worked out by reading the files (see
// ../shared/corpus/gitlab-ci/INDEX.tsv), not by running the parser. For each file: every visible
// job that asks for secrets with the variables it gets (after anchors, extends and !reference),
// and every job that carries errors — in these files, always a base that lives in an include we
// do not fetch. Jobs not named have neither. `check` holds a few details worth pinning.
import {expect} from 'vitest'

import {type Job, type Pipeline} from '../../../src/ci/gitlab/types.js'

export interface FileExpectation {
  secrets: Record<string, string[]>
  errors: Record<string, string[]>
  check?: (pipeline: Pipeline) => void
}

function job(pipeline: Pipeline, name: string): Job {
  const found = pipeline.jobs.find((candidate) => candidate.name === name)
  if (!found) throw new Error(`no job ${name}`)
  return found
}

const missing = (key: string, bases: string): string => `${key}: unknown keys in \`extends\` (${bases})`

const INK_SECRETS = ['CODECOV_P_TOKEN', 'CODECOV_TOKEN', 'GITHUB_EMAIL', 'GITHUB_USER', 'GITHUB_PR_TOKEN', 'PIPELINE_TOKEN', 'GITHUB_SSH_PRIV_KEY']

const POLKADOT_SECRETS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'GITHUB_PR_TOKEN',
  'GITHUB_TOKEN',
  'GITHUB_USER',
  'GITHUB_RELEASE_TOKEN',
  'GITHUB_SSH_PRIV_KEY',
  'MATRIX_ACCESS_TOKEN',
  'MATRIX_ROOM_ID',
  'PARITYPR_USER',
  'PARITYPR_PASS',
  'PIPELINE_TOKEN',
  'REL_MAN_ROOM_ID',
]

export const EXPECTED: Record<string, FileExpectation> = {
  // gcp_secret_manager with a token; every job extends a base from GitLab's own CI files.
  'flyisland__gitlab-ee__1.gitlab-ci.yml': {
    secrets: {'add-jh-files': ['ADD_JH_FILES_TOKEN']},
    errors: {
      'add-jh-files': [missing('add-jh-files', '.with_secret, .as-if-jh:rules:prepare-as-if-jh')],
      'prepare-as-if-jh-branch': [missing('prepare-as-if-jh-branch', '.as-if-jh:rules:prepare-as-if-jh')],
      'sync-as-if-jh-branch': [missing('sync-as-if-jh-branch', '.as-if-jh:rules:sync-as-if-jh')],
      'start-as-if-jh': [missing('start-as-if-jh', '.as-if-jh:rules:prepare-as-if-jh')],
    },
    check(pipeline) {
      expect(job(pipeline, 'add-jh-files').secrets).toEqual([
        {variable: 'ADD_JH_FILES_TOKEN', source: {provider: 'gcp_secret_manager', name: 'ADD_JH_FILES_TOKEN', version: 'latest'}, file: true, token: '$GCP_ID_TOKEN'},
      ])
      // .shared-as-if-jh extends .as-if-jh-sandbox-variables; the job adds GIT_STRATEGY.
      expect(job(pipeline, 'prepare-as-if-jh-branch').variables).toEqual({
        AS_IF_JH_BRANCH: 'as-if-jh/${CI_COMMIT_REF_NAME}',
        SANDBOX_REPOSITORY: 'https://dummy:${AS_IF_JH_TOKEN}@gitlab.com/gitlab-org-sandbox/gitlab-jh-validation.git',
        GITLAB_JH_MIRROR_PROJECT: '33019816',
        JH_FILES_TO_COMMIT: 'jh package.json yarn.lock',
        GIT_STRATEGY: 'none',
      })
      expect(job(pipeline, 'sync-as-if-jh-branch').inheritGlobalVariables).toHaveLength(15)
      expect(job(pipeline, 'start-as-if-jh').inheritGlobalVariables).toBe(false)
    },
  },

  // A template with a *job* named `secrets` (not the keyword) and no secrets at all.
  'flyisland__gitlab-ee__4.gitlab-ci.yml': {
    secrets: {},
    errors: {},
    check(pipeline) {
      expect(pipeline.jobs).toHaveLength(24)
      const secrets = job(pipeline, 'secrets')
      expect(secrets.variables).toEqual({DOCKER_DRIVER: 'overlay2', DOCKER_TLS_CERTDIR: '', SECURE_BINARIES_ANALYZER_VERSION: '7'})
      expect(secrets.script[0]).toBe('docker info')
    },
  },

  // Only a hidden template (its base lives in the including file): no job at all.
  'gitlabhq__omnibus-gitlab__1.gitlab-ci.yml': {
    secrets: {},
    errors: {},
    check(pipeline) {
      expect(pipeline.jobs).toEqual([])
    },
  },

  // Vault short form with ${VAR} in the path, file: false, token; .automation-bot is a template.
  'gitlabhq__orbit-knowledge-graph__1.gitlab-ci.yml': {
    secrets: {'semantic-release': ['SEMANTIC_RELEASE_GITLAB_TOKEN']},
    errors: {
      'ai:performance': [missing('ai:performance', '.ai-review-base')],
      'ai:security': [missing('ai:security', '.ai-review-base')],
      'ai:docs': [missing('ai:docs', '.ai-review-base')],
    },
    check(pipeline) {
      expect(job(pipeline, 'semantic-release').secrets).toEqual([
        {
          variable: 'SEMANTIC_RELEASE_GITLAB_TOKEN',
          source: {provider: 'vault', engine: {name: 'kv-v2', path: 'ci'}, path: 'access_tokens/${VAULT_SECRETS_PATH}/semantic-release', field: 'token'},
          file: false,
          token: '$VAULT_ID_TOKEN',
        },
      ])
      // !reference [.sccache-template, before_script] flattened into the job's own list.
      expect(job(pipeline, 'e2e').beforeScript).toHaveLength(4)
      expect(job(pipeline, 'e2e').beforeScript[0]).toBe('mise install')
      expect(pipeline.includes.other).toEqual([
        'template: Jobs/SAST.gitlab-ci.yml',
        'template: Jobs/Secret-Detection.gitlab-ci.yml',
        'local: .gitlab/ci/release-local.yml (not read: no file reader)',
        'local: .gitlab/ci/stale-mr.yml (not read: no file reader)',
        'local: .gitlab/ci/e2e-pin-bump.yml (not read: no file reader)',
        'local: .gitlab/ci/release-deploy-mr.yml (not read: no file reader)',
        'local: .gitlab/ci/comment-guard.yml (not read: no file reader)',
        'project: gitlab-com/gl-security/security-operations/infrastructure-security-public/oidc-modules, file: templates/gcp_auth.yaml, ref: 3.3.0',
        'project: gitlab-org/orbit/experiments/ai-review-bot, file: /template.yml',
        'component: ${CI_SERVER_FQDN}/gitlab-org/orbit/experiments/ai-review-bot/ai-review-bot@main',
      ])
    },
  },

  // Read alone, this included file lacks the templates of the file that includes it.
  'gitlabhq__orbit-knowledge-graph__2.gitlab-ci.yml': {
    secrets: {},
    errors: Object.fromEntries([
      ...['local-cli-build-linux-amd64', 'local-cli-build-linux-arm64', 'local-cli-build-linux-musl-amd64', 'local-cli-build-linux-musl-arm64'].map((name) => [
        name,
        [missing('.local-cli-build-linux', '.job-template, .sccache-template'), '!reference [".sccache-template", "before_script"] could not be found'],
      ]),
      [
        'local-cli-build-windows-amd64',
        [missing('local-cli-build-windows-amd64', '.job-template, .sccache-template'), '!reference [".sccache-template", "before_script"] could not be found'],
      ],
      ['local-cli-code-sign', [missing('local-cli-code-sign', '.google-oidc:auth')]],
    ]),
  },

  // Its vault template comes from a local include (gitlabhq__omnibus-gitlab__1); see corpus.test.ts.
  'gitlabhq__omnibus-gitlab__2.gitlab-ci.yml': {
    secrets: {},
    errors: {
      'fetch-assets': [missing('fetch-assets', '.with-build-token'), missing('.docker_job', '.dind')],
      'generate-facts': [missing('generate-facts', '.with-build-token')],
    },
    check(pipeline) {
      // The spec: header document is skipped; the deprecated top-level before_script is a default.
      expect(job(pipeline, 'issue-bot').beforeScript).toHaveLength(10)
      expect(job(pipeline, 'issue-bot').script).toEqual(['/issue-bot'])
      expect(job(pipeline, 'fetch-assets').beforeScript).toEqual([])
      expect(job(pipeline, 'notify:slack-fail:scheduled-master').beforeScript).toEqual(['apk add --no-cache curl'])
    },
  },

  // Vault with ${VAR} as the engine mount, a token; the Terraform bases come from a template.
  'mojaloop__iac-modules__1.gitlab-ci.yml': {
    secrets: {'deploy-env-templates': ['GITLAB_SEED_TOKEN']},
    errors: {
      fmt: [missing('fmt', '.terraform:fmt')],
      validate: [missing('validate', '.terraform:validate')],
      build: [missing('build', '.terraform:build')],
      deploy: [missing('deploy', '.terraform:deploy')],
      destroy: [missing('destroy', '.terraform:destroy')],
    },
    check(pipeline) {
      expect(job(pipeline, 'deploy-env-templates').secrets).toEqual([
        {
          variable: 'GITLAB_SEED_TOKEN',
          source: {provider: 'vault', engine: {name: 'kv-v2', path: '${KV_SECRET_PATH}'}, path: 'bootstrap', field: 'gitlab_root_token'},
          file: false,
          token: '$VAULT_ID_TOKEN',
        },
      ])
      // 13 lines of .source's script through !reference, then the job's own.
      expect(job(pipeline, 'init').script).toHaveLength(14)
      expect(job(pipeline, 'init').script.at(-1)).toBe('terragrunt run-all init -input=false -reconfigure')
    },
  },

  'mojaloop__iac-modules__2.gitlab-ci.yml': {
    secrets: {'deploy-infra': ['ENV_VAULT_TOKEN', 'NETMAKER_OPS_TOKEN', 'GITLAB_CI_PAT']},
    errors: {
      fmt: [missing('fmt', '.terraform:fmt')],
      validate: [missing('validate', '.terraform:validate')],
      build: [missing('build', '.terraform:build')],
      'deploy-infra': [missing('deploy-infra', '.terraform:deploy')],
      destroy: [missing('destroy', '.terraform:destroy')],
    },
    check(pipeline) {
      expect(job(pipeline, 'deploy-infra').secrets[0]).toEqual({
        variable: 'ENV_VAULT_TOKEN',
        source: {provider: 'vault', engine: {name: 'kv-v2', path: '${KV_SECRET_PATH}'}, path: '${CI_PROJECT_NAME}', field: 'env_token'},
        file: false,
        token: '$VAULT_ID_TOKEN',
      })
    },
  },

  'mojaloop__iac-modules__3.gitlab-ci.yml': {
    secrets: {},
    errors: {
      fmt: [missing('fmt', '.terraform:fmt')],
      validate: [missing('validate', '.terraform:validate')],
      build: [missing('build', '.terraform:build')],
      'deploy-infra': [missing('deploy-infra', '.terraform:deploy')],
      'deploy-managed-srvcs': [missing('deploy-managed-srvcs', '.terraform:deploy')],
      destroy: [missing('destroy', '.terraform:destroy')],
      'refresh-deploy-infra': [missing('refresh-deploy-infra', '.terraform:deploy')],
      'tf-refresh-deploy-infra': [missing('tf-refresh-deploy-infra', '.terraform:deploy')],
    },
  },

  // Vault through `<<: *vault-secrets`, CI_JOB_JWT era (no token).
  'use-ink__ink__1.gitlab-ci.yml': {
    secrets: {'publish-docs': INK_SECRETS, 'fuzz-tests': INK_SECRETS},
    errors: {},
    check(pipeline) {
      expect(job(pipeline, 'publish-docs').secrets[0]).toEqual({
        variable: 'CODECOV_P_TOKEN',
        source: {provider: 'vault', engine: {name: 'kv-v2', path: 'kv'}, path: 'cicd/gitlab/parity/ink', field: 'CODECOV_P_TOKEN'},
        file: false,
      })
      // `- *rust-info-script` (7 lines) flattened into .docker-env's before_script.
      expect(job(pipeline, 'spellcheck').beforeScript).toHaveLength(9)
      expect(pipeline.variables.GIT_DEPTH).toBe('100')
    },
  },

  'paritytech__ink-waterfall__1.gitlab-ci.yml': {
    secrets: {
      'polkadot-js-ui-ink-examples': ['REDISCLI_AUTH', 'GITHUB_PR_TOKEN'],
      'polkadot-js-ui-rand-extension': ['REDISCLI_AUTH', 'GITHUB_PR_TOKEN'],
      'evaluate-ink-examples-changes': ['REDISCLI_AUTH', 'GITHUB_PR_TOKEN'],
    },
    errors: {},
    check(pipeline) {
      expect(job(pipeline, 'polkadot-js-ui-ink-examples').secrets[1]?.source).toEqual({
        provider: 'vault',
        engine: {name: 'kv-v2', path: 'kv'},
        path: 'cicd/gitlab/parity/${CI_PROJECT_NAME}',
        field: 'GITHUB_PR_TOKEN',
      })
      // Five aliased lists and two lines: 2 + 1 + 8 + 1 + 6.
      expect(job(pipeline, 'polkadot-js-ui-ink-examples').script).toHaveLength(18)
      // Three `<<:` keys: the last one's before_script replaces the kubernetes-env's empty one (Psych).
      const evaluate = job(pipeline, 'evaluate-ink-examples-changes')
      expect(evaluate.beforeScript).toHaveLength(1)
      expect(evaluate.beforeScript[0]).toMatch(/^if \[ "\$TRGR_REF" == "master" \]/)
      expect(job(pipeline, 'parent-vars').beforeScript).toEqual([])
    },
  },

  'paritytech__jsonrpsee__1.gitlab-ci.yml': {
    secrets: {
      check_bench: ['GITHUB_SSH_PRIV_KEY', 'GITHUB_TOKEN', 'GITHUB_USER'],
      'publish-ghpages': ['GITHUB_SSH_PRIV_KEY', 'GITHUB_TOKEN', 'GITHUB_USER'],
    },
    errors: {},
    check(pipeline) {
      expect(job(pipeline, 'check_bench').variables).toEqual({
        PROMETHEUS_URL: 'http://vm-longterm.parity-build.parity.io',
        TRESHOLD: '20',
        CI_IMAGE: 'paritytech/benchmarks:latest',
      })
    },
  },

  'paritytech__substrate-telemetry__1.gitlab-ci.yml': {
    secrets: {'build-backend': ['DOCKER_HUB_USER', 'DOCKER_HUB_PASS'], 'build-frontend': ['DOCKER_HUB_USER', 'DOCKER_HUB_PASS']},
    errors: {},
    check(pipeline) {
      // default: before_script reaches every job.
      for (const each of pipeline.jobs) expect(each.beforeScript[0]).toMatch(/^echo defining DOCKER_IMAGE_TAG variable\n/)
      expect(job(pipeline, 'deploy-staging').environment).toBe('parity-stg')
      expect(job(pipeline, 'deploy-production').environment).toBe('parity-prod')
    },
  },

  // Secrets written directly in the job; another job sets same-named plain variables.
  'paritytech__zombienet__1.gitlab-ci.yml': {
    secrets: {'publish-docker': ['DOCKER_HUB_USER', 'DOCKER_HUB_PASS']},
    errors: {},
    check(pipeline) {
      expect(job(pipeline, 'publish-docker-pr').variables.DOCKER_HUB_USER).toBe('$DOCKER_HUB_PR_USER')
      expect(job(pipeline, 'publish-docker').afterScript).toEqual(['buildah logout --all'])
    },
  },

  'paritytech__subxt__1.gitlab-ci.yml': {
    secrets: {'publish-s3-release': POLKADOT_SECRETS, 'publish-rustdoc': POLKADOT_SECRETS},
    errors: {},
    check(pipeline) {
      // `- *check-versions`: the anchored before_script of .build-push-image, 5 lines.
      expect(job(pipeline, 'publish-s3-release').beforeScript).toHaveLength(5)
      expect(job(pipeline, 'publish-s3-release').beforeScript[0]).toBe('test -s ./artifacts/VERSION || exit 1')
    },
  },
}
