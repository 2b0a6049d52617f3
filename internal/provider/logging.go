package provider

import (
	"os"
	"strings"
)

// logEnvVarName is the provider's part of TF_LOG_PROVIDER_<NAME>, set on
// the server (tf6server.WithLogEnvVarName) so that the variable quietLogs
// sets is the one the provider logger reads. It is the default the address
// would give.
const logEnvVarName = "invitations"

// quietLevels are the level variables of every logger the plugin has.
var quietLevels = []string{
	"TF_LOG_SDK",           // terraform-plugin-go's SDK root logger
	"TF_LOG_SDK_PROTO",     // its protocol subsystem
	"TF_LOG_SDK_FRAMEWORK", // terraform-plugin-framework's subsystem
	"TF_LOG_PROVIDER_" + strings.ToUpper(logEnvVarName), // the provider's root logger and its subsystems
}

// Workaround: terraform-plugin-go v0.31.0 (tf6server) builds the SDK,
// protocol and provider loggers of every call, and terraform-plugin-framework
// v1.19.0 its subsystem's, at the level of their variables above through
// terraform-plugin-log v0.11.0's WithLevelFromEnv; a variable that is unset
// means TRACE, not off. So every trace line is encoded as JSON and written
// to the plugin's stderr, and Terraform, which decides what it keeps from
// its own TF_LOG variables, drops them all when none is set: a quarter of
// the plugin's CPU in a plan. None of the libraries has an option for it;
// the documented way to turn a logger off is its variable set to OFF, so
// quietLogs sets them in the plugin's own process, before serving, when the
// environment asks for no logs at all. Any TF_LOG* variable set (TF_LOG,
// TF_LOG_PATH, TF_LOG_PROVIDER*, TF_LOG_SDK*, TF_LOG_CORE...) leaves every
// logger as the libraries make it. Remove when the libraries default to
// off without a level (TestQuietLogs_*).
func quietLogs() {
	if logsAsked(os.Environ()) {
		return
	}
	for _, v := range quietLevels {
		_ = os.Setenv(v, "OFF") // cannot fail for these names
	}
}

// logsAsked reports whether the environment sets any TF_LOG* variable to a
// value: Terraform and terraform-plugin-log read nothing else for levels
// and log files.
func logsAsked(environ []string) bool {
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_LOG") && v != "" {
			return true
		}
	}
	return false
}
