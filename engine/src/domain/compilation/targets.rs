//! What a compilation job compiles for: a `TargetDevice` of the SageMaker model, or a
//! `TargetPlatform` (OS, CPU architecture, accelerator), and which CPU Loupe's compiler serves
//! it on.
//!
//! Loupe compiles with tract, which runs on CPUs: x86_64, 32-bit x86, aarch64 and 32-bit ARM
//! (with NEON kernels where the CPU has them). A device is served on its application processor
//! when tract runs there; its GPU, NPU or DSP is not used, and the manifest says which CPU the
//! artifact was checked for. A device whose Neo output runs only on a GPU or an accelerator, or
//! that wants another model format (Core ML), is not served: such a job is accepted, as AWS
//! accepts it, and ends `FAILED` with the reason. `docs/compilation.md` lists every target.

use std::fmt;

/// The CPU a compiled model runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CpuArch {
    X86_64,
    /// 32-bit x86 (i686).
    X86,
    Aarch64,
    /// 32-bit ARM (ARMv7-A, hard float) with NEON, such as TI's AM57x (Cortex-A15).
    Armv7Neon,
    /// 32-bit ARM, soft-float EABI: no NEON assumed.
    Armv7,
}

impl CpuArch {
    /// The name in manifests and docs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::X86_64 => "x86_64",
            Self::X86 => "x86",
            Self::Aarch64 => "aarch64",
            Self::Armv7Neon => "armv7-neon",
            Self::Armv7 => "armv7",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::X86_64,
            Self::X86,
            Self::Aarch64,
            Self::Armv7Neon,
            Self::Armv7,
        ]
        .into_iter()
        .find(|arch| arch.as_str() == raw)
    }
}

impl fmt::Display for CpuArch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether Loupe compiles for a target, and for which CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serving {
    Cpu(CpuArch),
    /// Why not, as the job's `FailureReason` says it, and what to use instead.
    NotServed(&'static str),
}

const GPU: &str = "runs Neo's output on its NVIDIA GPU, and Loupe's compiler (tract) runs on \
                   CPUs only";
const NEURON: &str = "runs on AWS Inferentia or Trainium accelerators (Neuron), which Loupe's \
                      compiler (tract) does not target";
const ELASTIC_INFERENCE: &str = "is an Elastic Inference accelerator, which Loupe's compiler \
                                 (tract) does not target";
const CVFLOW: &str = "runs Neo's output on Ambarella's CVflow accelerator, which Loupe's \
                      compiler (tract) does not target";
const CORE_ML: &str = "is Apple's Core ML model format, which Loupe's compiler (tract) does not \
                       write";

macro_rules! target_devices {
    ($($variant:ident = $wire:literal => $serving:expr),+ $(,)?) => {
        /// `OutputConfig.TargetDevice`: every value of the SageMaker model (spec 3.5.1).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum TargetDevice { $($variant),+ }

        impl TargetDevice {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The spelling on the wire (`sitara_am57x`).
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $wire),+ }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|device| device.as_str() == raw)
            }

            /// Which CPU Loupe compiles this device for, or why it does not.
            pub fn serving(self) -> Serving {
                use CpuArch::*;
                match self { $(Self::$variant => $serving),+ }
            }
        }
    };
}

target_devices! {
    Lambda = "lambda" => Serving::Cpu(X86_64),
    MlM4 = "ml_m4" => Serving::Cpu(X86_64),
    MlM5 = "ml_m5" => Serving::Cpu(X86_64),
    MlM6g = "ml_m6g" => Serving::Cpu(Aarch64),
    MlC4 = "ml_c4" => Serving::Cpu(X86_64),
    MlC5 = "ml_c5" => Serving::Cpu(X86_64),
    MlC6g = "ml_c6g" => Serving::Cpu(Aarch64),
    MlP2 = "ml_p2" => Serving::NotServed(GPU),
    MlP3 = "ml_p3" => Serving::NotServed(GPU),
    MlG4dn = "ml_g4dn" => Serving::NotServed(GPU),
    MlInf1 = "ml_inf1" => Serving::NotServed(NEURON),
    MlInf2 = "ml_inf2" => Serving::NotServed(NEURON),
    MlTrn1 = "ml_trn1" => Serving::NotServed(NEURON),
    MlEia2 = "ml_eia2" => Serving::NotServed(ELASTIC_INFERENCE),
    JetsonTx1 = "jetson_tx1" => Serving::NotServed(GPU),
    JetsonTx2 = "jetson_tx2" => Serving::NotServed(GPU),
    JetsonNano = "jetson_nano" => Serving::NotServed(GPU),
    JetsonXavier = "jetson_xavier" => Serving::NotServed(GPU),
    Rasp3b = "rasp3b" => Serving::Cpu(Armv7Neon),
    Rasp4b = "rasp4b" => Serving::Cpu(Aarch64),
    Imx8qm = "imx8qm" => Serving::Cpu(Aarch64),
    Deeplens = "deeplens" => Serving::Cpu(X86_64),
    Rk3399 = "rk3399" => Serving::Cpu(Aarch64),
    Rk3288 = "rk3288" => Serving::Cpu(Armv7Neon),
    Aisage = "aisage" => Serving::Cpu(Aarch64),
    SbeC = "sbe_c" => Serving::Cpu(X86_64),
    Qcs605 = "qcs605" => Serving::Cpu(Aarch64),
    Qcs603 = "qcs603" => Serving::Cpu(Aarch64),
    SitaraAm57x = "sitara_am57x" => Serving::Cpu(Armv7Neon),
    AmbaCv2 = "amba_cv2" => Serving::NotServed(CVFLOW),
    AmbaCv22 = "amba_cv22" => Serving::NotServed(CVFLOW),
    AmbaCv25 = "amba_cv25" => Serving::NotServed(CVFLOW),
    X86Win32 = "x86_win32" => Serving::Cpu(X86),
    X86Win64 = "x86_win64" => Serving::Cpu(X86_64),
    Coreml = "coreml" => Serving::NotServed(CORE_ML),
    JacintoTda4vm = "jacinto_tda4vm" => Serving::Cpu(Aarch64),
    Imx8mplus = "imx8mplus" => Serving::Cpu(Aarch64),
}

impl fmt::Display for TargetDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

wire_serde!(TargetDevice, "a TargetDevice of the SageMaker model");

/// Serde as the wire spelling, read back through `parse`.
macro_rules! wire_serde {
    ($name:ident, $what:literal) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <String as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&raw)
                    .ok_or_else(|| ::serde::de::Error::custom(format!("{raw:?} is not {}", $what)))
            }
        }
    };
}

pub(crate) use wire_serde;

/// An enum of the model spelled in capitals on the wire (`LINUX`, `ARM64`).
macro_rules! upper_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $wire),+ }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $crate::domain::compilation::targets::wire_serde!($name, "a value of the SageMaker model");
    };
}

pub(crate) use upper_enum;

upper_enum!(
    /// `TargetPlatform.Os`.
    PlatformOs { Android = "ANDROID", Linux = "LINUX" }
);

upper_enum!(
    /// `TargetPlatform.Arch`.
    PlatformArch {
        X86_64 = "X86_64",
        X86 = "X86",
        Arm64 = "ARM64",
        ArmEabi = "ARM_EABI",
        ArmEabihf = "ARM_EABIHF",
    }
);

upper_enum!(
    /// `TargetPlatform.Accelerator`.
    PlatformAccelerator {
        IntelGraphics = "INTEL_GRAPHICS",
        Mali = "MALI",
        Nvidia = "NVIDIA",
        Nna = "NNA",
    }
);

/// `OutputConfig.TargetPlatform`: a device described by its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetPlatform {
    pub os: PlatformOs,
    pub arch: PlatformArch,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accelerator: Option<PlatformAccelerator>,
}

impl TargetPlatform {
    pub fn serving(&self) -> Serving {
        if let Some(accelerator) = self.accelerator {
            return Serving::NotServed(match accelerator {
                PlatformAccelerator::IntelGraphics => {
                    "asks for Intel graphics, and Loupe's compiler (tract) runs on CPUs only; \
                     leave TargetPlatform.Accelerator out to compile for the CPU"
                }
                PlatformAccelerator::Mali => {
                    "asks for an ARM Mali GPU, and Loupe's compiler (tract) runs on CPUs only; \
                     leave TargetPlatform.Accelerator out to compile for the CPU"
                }
                PlatformAccelerator::Nvidia => {
                    "asks for an NVIDIA GPU, and Loupe's compiler (tract) runs on CPUs only; \
                     leave TargetPlatform.Accelerator out to compile for the CPU"
                }
                PlatformAccelerator::Nna => {
                    "asks for a neural network accelerator, which Loupe's compiler (tract) does \
                     not target; leave TargetPlatform.Accelerator out to compile for the CPU"
                }
            });
        }
        Serving::Cpu(match self.arch {
            PlatformArch::X86_64 => CpuArch::X86_64,
            PlatformArch::X86 => CpuArch::X86,
            PlatformArch::Arm64 => CpuArch::Aarch64,
            PlatformArch::ArmEabihf => CpuArch::Armv7Neon,
            PlatformArch::ArmEabi => CpuArch::Armv7,
        })
    }

    /// The artifact's suffix for a platform: `linux_arm64`.
    pub fn label(&self) -> String {
        format!("{}_{}", self.os, self.arch).to_ascii_lowercase()
    }
}

/// A job's target: a named device or a platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Device(TargetDevice),
    Platform(TargetPlatform),
}

impl Target {
    pub fn serving(&self) -> Serving {
        match self {
            Self::Device(device) => device.serving(),
            Self::Platform(platform) => platform.serving(),
        }
    }

    /// What the artifact's file name ends with: the device (`sitara_am57x`) or the platform
    /// (`linux_arm64`).
    pub fn label(&self) -> String {
        match self {
            Self::Device(device) => device.as_str().to_owned(),
            Self::Platform(platform) => platform.label(),
        }
    }

    /// The reason a job for this target fails, when Loupe does not serve it.
    pub fn not_served_reason(&self) -> Option<String> {
        match self.serving() {
            Serving::Cpu(_) => None,
            Serving::NotServed(why) => Some(match self {
                Self::Device(device) => format!(
                    "TargetDevice {device} {why}. Compile for a CPU target instead: ml_c5 or \
                     x86_win64 (x86_64), ml_c6g or rasp4b (aarch64), sitara_am57x or rasp3b \
                     (32-bit ARM with NEON), or give a TargetPlatform without an Accelerator."
                ),
                Self::Platform(_) => format!("TargetPlatform {why}."),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_device_of_the_model_is_spelled_and_read_back() {
        assert_eq!(TargetDevice::ALL.len(), 37);
        for device in TargetDevice::ALL {
            assert_eq!(TargetDevice::parse(device.as_str()), Some(*device));
        }
        assert_eq!(TargetDevice::parse("SITARA_AM57X"), None);
        assert_eq!(TargetDevice::parse("sitara-am57x"), None);
    }

    #[test]
    fn the_am57x_is_32_bit_arm_with_neon() {
        assert_eq!(
            TargetDevice::SitaraAm57x.serving(),
            Serving::Cpu(CpuArch::Armv7Neon)
        );
        assert_eq!(
            Target::Device(TargetDevice::SitaraAm57x).label(),
            "sitara_am57x"
        );
    }

    #[test]
    fn gpu_and_accelerator_only_devices_are_not_served_and_say_what_to_use() {
        for device in [
            TargetDevice::MlInf1,
            TargetDevice::MlP3,
            TargetDevice::JetsonNano,
            TargetDevice::AmbaCv22,
            TargetDevice::Coreml,
        ] {
            let reason = Target::Device(device).not_served_reason().unwrap();
            assert!(
                reason.starts_with(&format!("TargetDevice {device} ")),
                "{reason}"
            );
            assert!(reason.contains("ml_c5"), "{reason}");
            assert!(reason.chars().count() <= 1024);
        }
        assert_eq!(Target::Device(TargetDevice::MlC5).not_served_reason(), None);
    }

    #[test]
    fn platforms_map_their_arch_and_refuse_accelerators() {
        let platform = TargetPlatform {
            os: PlatformOs::Linux,
            arch: PlatformArch::Arm64,
            accelerator: None,
        };
        assert_eq!(platform.serving(), Serving::Cpu(CpuArch::Aarch64));
        assert_eq!(platform.label(), "linux_arm64");
        let with_gpu = TargetPlatform {
            accelerator: Some(PlatformAccelerator::Mali),
            ..platform
        };
        let reason = Target::Platform(with_gpu).not_served_reason().unwrap();
        assert!(
            reason.contains("Mali") && reason.contains("Accelerator out"),
            "{reason}"
        );
        assert_eq!(
            PlatformArch::parse("ARM_EABIHF"),
            Some(PlatformArch::ArmEabihf)
        );
        assert_eq!(PlatformOs::parse("linux"), None);
    }
}
