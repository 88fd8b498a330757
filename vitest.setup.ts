// Tests talk only to loopback endpoints; keep the SDK from probing instance metadata or warning.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
