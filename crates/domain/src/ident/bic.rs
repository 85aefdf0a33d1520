//! BIC (ISO 9362, the SWIFT code): institution (4 letters), country (ISO
//! 3166), location (2 letters or digits), optional branch (3 letters or
//! digits).

use super::{IdentError, IdentKind, compact_alphanumeric, is_iso_country};

const KIND: IdentKind = IdentKind::Bic;

/// A valid BIC of 8 or 11 characters, held uppercase without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Bic(String);

text_identifier!(
    Bic,
    pattern: r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$",
    description: "BIC (ISO 9362), 8 or 11 characters, uppercase",
    example: "BNPAFRPPXXX"
);
canonical_string!(Bic);

impl Bic {
    /// Accepts spaces and lowercase letters.
    pub fn parse(text: &str) -> Result<Bic, IdentError> {
        let bic = compact_alphanumeric(KIND, text, &[])?;
        if bic.len() != 8 && bic.len() != 11 {
            return Err(IdentError::Length {
                kind: KIND,
                found: bic.len(),
                expected: "8 or 11".into(),
            });
        }
        if !bic[..4].bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(IdentError::format(
                KIND,
                "the institution code has four letters",
            ));
        }
        let country = &bic[4..6];
        if !is_iso_country(country) {
            return Err(IdentError::UnknownCountry {
                kind: KIND,
                code: country.to_owned(),
            });
        }
        Ok(Bic(bic))
    }

    /// Institution (bank) code: `BNPA`.
    pub fn institution(&self) -> &str {
        &self.0[..4]
    }

    /// ISO country code: `FR`.
    pub fn country(&self) -> &str {
        &self.0[4..6]
    }

    /// Location code: `PP`.
    pub fn location(&self) -> &str {
        &self.0[6..8]
    }

    /// Branch code of an 11-character BIC (`XXX` for the head office).
    pub fn branch(&self) -> Option<&str> {
        self.0.get(8..11)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tests/test_bic.doctest of python-stdnum
    /// (https://github.com/arthurdejong/python-stdnum): "These have been
    /// found online and should all be valid numbers."
    const PYTHON_STDNUM_VALID: &str = "
        ABNCNL2AGIR ABNNSVS2 ABOCCNBJ270 ABOCKRSE ACGDGDGD ADECCH2G AFDBCIABNPD AFGMMGMG
        AFROGB2L AGBMDEMM AGRIGPGX AGTBIDJA AGUBDZAL AHCDDOS2 AIEPSGSGIWC AIRRHKHH AIYLKG22
        ALCVLBBE ALFXAEAD ALLFLULLAFI ANCEAOLU ANDLTRISTUZ ANIKAM22 ANZBSBSB ANZBTONN APDEVAVA
        ARABBHBM ARABJOAX ARABPS22600 ARCGITMA ARECAM22 AREXGHAC ARUBAWAX ARUNTJ22 ARVDTJ22
        ASBBNZ2A ASCMPKKA002 ASPMMYKL ATBJBJBJ ATGWGWGW ATTGTGTG AUDBLBBX AUIVAU2S AVALUAUK
        AWXLLT22 AXCWKWKW AXISINBB389 AXSBBMHM AZAMZMLU AZRTAZ22 BAIPCVCV BANOGLG2 BAPRNIMA
        BARBFJFJ BARBKENAKIS BARBSCSC BARCSCSC BAVDCVCP BBDEBRSPBGS BBICCWCW BBONKYKY BBVATWTP
        BCAOMLBASIK BCAOSNDP BCBATCGP BCBHDOSD BCBTBZBZ BCEXCOBB BCKICKCR BCOMMOMX BCOMPTPL
        BCPLBOLXSCZ BCPOMAMCBRK BCTLTLDA BCYPCY2N BDACEGCA084 BDGEGNGN BDINIDJATPC BEACGQGQ
        BFCORERX BFCOYTYT BFMXAOLU BGFICMCX BGFIGALI BHELSHJJ BIBDBNBB BICCKMKM BICVNENI
        BIMOMZMXFIN BJAZSAJE002 BKAUATWWWOL BKCHCNBJ260 BKCHJPJTOTM BKIDJPJTOSK BKIGRWRW
        BKIRKIKI BKKBHKHHMTG BKKBKHPP BKMOMSMS BKNNSMSM BLFLLI2X225 BMCEMAMCCOR BMILHNTE
        BMOCMZMP BNDCCAMMVAL BNEVKNNE BNGRGRAACON BNPAFRPPAUX BNPAMQMX BNPANCNXKOU BNPARERXPOR
        BNPASARI BNRWRWRW BOFAIE3XFUT BOMDMH22 BOSPCKCR BPKOROBU BPNGPGPM BPOLPFTP BPUNPKKACRU
        BRASPYPX BREDFJFJ BREDVUVU BRHAHTPP BRMXNENI BSANADAD BSAPPEPL BSLJSI2XATM BSLULCLC
        BSUPARBATIT BTRLRO22BNA BTVAAT22KIB BUNONIMA CABARS22 CAGLESMMVIG CBAOBFBG CBBSBA2A
        CBCUUYMMGPA CBCYCY2NPMT CBGIGYGG CBININBI CBKNNANAPCH CBKUKWKWBOD CBLELSMX CBOMOMRU
        CBSISBSB CCEICMCXDLA CCIOCRSJBBI CDCGWF2M CDERCLRG CDISALTR CDSOGTG2 CEPANCNM CESUUAU2
        CGDITLDI CHASARBA CHASPHMMOBU CHASTHBX CHGLVGVG CIBEEGCX166 CITCCWCU CITGUS44EHP
        CITINGLA CLMDMGMG CMBAAWAX CMWBDMDM CNBTIMDD CNVXBMHM COEBLALA COFDPEPL CORIMLBA
        CPITMNUB CRDAADAD CRESCHZZ12Q CRTUGE22086 CSDLLT22 CTCBTWTP012 DABAFIHHHAM DABAIE2D917
        DBLNBJBJ DEUTESBBAP2 DFLTTTPS DIETMCMC DIKIBTBBORO DKNBDKKKPLL DOHBQAQAWBB DVKAKZKA
        EBAPFRPS ECAAKYK2 ECOCGQGQ ECOCSTST ECOCTGTA EIKBFOTFKON EMSYMTMT ESTPSTST ESYIPRSJ
        ETHNGRAATIP EUBOBSNS EXSKSKBX EXTNKMKM FARPSZMA FCIBBBB2 FCIBTTP2 FCOHPAPA FDSFLI22LV1
        FIFBFOTX FIRNBWGXCUS FIRNLSMX FIVFPGPM FLMSNANX FLORNL2ACCB FMBKDEMM258 FMBZZMLX
        FPVCCOBB FTMDMD2X GBHAMQMM GDAAETAA GIBAHUHB GMBKGUGU GODOSRPA GOLDBRSP GRENGLGXKON
        GTBGGMGM GUTIGYGE GVVGVCVC HABAEE2XTIP HAMBGIGI HANDPLPW HATHKHPP HBBAMEPG HDELSI22
        ICBKKZKX ICBKNZ2A ICDJDJJD ICGSGTGC IFIPPHM2 IHSAMUMU INCEGHAC INUIHR22CUS IOPRVAVX
        ISGUGNGN ISRAILIR JNBSJMKN JSCLUZ22 KBNONO22 KCBLTZTZ KICPDMD2 KNANKNSK KOMASK2XSNV
        KOMBCZPP KREZHR2XCUS KTAYCRSJ KYRGKG22 LAPBLV2X LBDELRLM LDBBLALA LHFMJESH LIVEDKKK
        LMLDZWHA LNLNNOB2D01 LUMIILIT LUOBLCLC MAOISMSM003 MBICMRMR0MN MBLBBDDH003 MBLNNPKA
        MCBKBQBN MCBLMVMV MDFCGWGW MEBBBA22 MENOMXMT MMAUMVMV NABTTVTV NABZAZ2X NACNBOLP
        NACNPYPA0PE NAPAPAPA NATXDZAL NBADBHBMTFO NBELBZBB NBFUAEAFSHJ NBKEKENX757 NBMAMWMW005
        NBRMMK2A NBSLWSWS NCBGGDGD001 NCBVVC22 NESWSZMX NIBIETAA NLPRXKPR NOITAGAG NOSCCATMSEC
        NOSCTCGP NREIGGSP NSBINPKA OKOYLV2X ORBASXSM ORBKGALI ORINUGKA OTPPHUH2 PACIECEG100
        PAERCZPPGEN PASCITMMCAN PAVTPW22 PBPRHNT2 PCBCVNVX PCCACLRZ PHBXLRLM PICHECEQ522
        PICTBSNX PLLPMUMU PMAPPS22ACH PRBAUYMM PRCBRSBG PRCBSVSS PRDTNGLA PSATPLPW PSBKLKLX023
        PUBABDDH205 PYMXMTMTMAL QNBAMRMU RBMAMWMWMRA RBNKAIAI RBNKSXSMANT RBNKVGVGVGA RBTTBQBN
        REBZZWHQ REVOPTP2 RFLCJESX RIKOEE22 RIKSSESSBER RMABBTBT RNCBMD2X ROKLIMDI1UW ROYCBBBB
        ROYCGGSPOFM ROYCSGS2 RYSGTM2A RZOOAT2L226 SAMBQAQA SBICCIAB SBINOMRX SBMMMCMC
        SBZAZAJJAFR SCBLFKFK SCBLMOMX SCBLTHBX SCBLTZTXSSU SCHBBWGX013 SCOBWSWS SEDCJOAX
        SENFLKLX SGBBBFBF SIMXMXMM SKFISEGA SLCBSLFR SOCBPFTX SOGEBJBJ SOGHHTPP SPYEISR2
        SRIBDJJD SSDSKRSE STBBMK22 STBKTNTT925 STBMMNUB STGNPRSJ SWHTBEBB TACBAU2S TBLTGMGM
        TEBKXKPR030 TEBUTRIS664 TEECMH22 TNBKTM2X TNETZAJJ TNOVGIGI TODETONU TOLMAGAG TOPFUGKA
        UBBIMY22 UBCITNTTCHG UBKLGB2LBAK UGEBGE22622 UNAFSNDA UNALALTR UNCRBGSF426 UOVBBNBBCMS
        UPMKFIHH USBKLU2L UTBSSLFR UTWBBEBBTGT UZUMUZ22 VATOISRE VBAAVNVX640 VCBSSRPA VMBSJMKN
        VPAYBGS2 WANFVUVV WEWOUS33 ZBCGMEPG ZRCPCAT2
    ";

    #[test]
    fn accepts_python_stdnum_valid_bics() {
        let mut count = 0;
        for code in PYTHON_STDNUM_VALID.split_whitespace() {
            let bic = Bic::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(bic.as_str(), code);
            count += 1;
        }
        assert_eq!(count, 400);
    }

    #[test]
    fn refuses_python_stdnum_unknown_country() {
        // test_bic.doctest: "IP is not a valid country code".
        assert_eq!(
            Bic::parse("MULTIPLE"),
            Err(IdentError::UnknownCountry {
                kind: KIND,
                code: "IP".into()
            })
        );
    }

    /// tests/test_bic.py of schwifty (https://github.com/mdomke/schwifty).
    #[test]
    fn parts_of_schwifty_bics() {
        let bic = Bic::parse("GENODEM1GLS").unwrap();
        assert_eq!(bic.institution(), "GENO");
        assert_eq!(bic.country(), "DE");
        assert_eq!(bic.location(), "M1");
        assert_eq!(bic.branch(), Some("GLS"));
        assert_eq!(bic.to_string(), "GENODEM1GLS");
        let short = Bic::parse("GENODEM1").unwrap();
        assert_eq!(short.branch(), None);
        // Its printed form, spaces and all, parses back.
        assert_eq!(Bic::parse("GENO DE M1 GLS").unwrap(), bic);
        assert_eq!(Bic::parse("genodem1gls").unwrap(), bic);
        for code in ["BSABESBBXXX", "BSABESBB001", "MARKDEF1100", "ABNAJPJTXXX"] {
            assert!(Bic::parse(code).is_ok(), "{code}");
        }
    }

    /// schwifty tests/test_bic.py, `test_invalid_bic`,
    /// `test_invalid_bic_branch_code_characters`, `test_bic_allow_invalid`
    /// and `test_enforce_swift_compliance`, each with its reason.
    #[test]
    fn refuses_schwifty_invalid_bics_for_their_reason() {
        let length = |found: usize| IdentError::Length {
            kind: KIND,
            found,
            expected: "8 or 11".into(),
        };
        assert_eq!(Bic::parse("AAAA"), Err(length(4)));
        assert_eq!(Bic::parse("AAAADEM1GLSX"), Err(length(12)));
        assert_eq!(
            Bic::parse("GENOD1M1GLS"),
            Err(IdentError::UnknownCountry {
                kind: KIND,
                code: "D1".into()
            })
        );
        for (code, found) in [
            ("GENODEM1@#%", '@'),
            ("GENODEM1G-S", '-'),
            ("GENODEM1GL*", '*'),
            ("MARKDEF1$$$", '$'),
            ("GENODEM1..X", '.'),
        ] {
            assert_eq!(
                Bic::parse(code),
                Err(IdentError::BadCharacter { kind: KIND, found }),
                "{code}"
            );
        }
        for (code, country) in [("GENOXXM1GLS", "XX"), ("GENODXM1GLS", "DX")] {
            assert_eq!(
                Bic::parse(code),
                Err(IdentError::UnknownCountry {
                    kind: KIND,
                    code: country.into()
                })
            );
        }
        assert!(matches!(
            Bic::parse("1234DEWWXXX"),
            Err(IdentError::Format { kind: KIND, .. })
        ));
        assert_eq!(Bic::parse(" "), Err(IdentError::Empty { kind: KIND }));
    }

    #[test]
    fn serde_uses_the_compact_form() {
        let bic = Bic::parse("bnpa fr pp xxx").unwrap();
        assert_eq!(serde_json::to_string(&bic).unwrap(), "\"BNPAFRPPXXX\"");
        let back: Bic = serde_json::from_str("\"BNPAFRPPXXX\"").unwrap();
        assert_eq!(back, bic);
        assert!(serde_json::from_str::<Bic>("\"BNPAXXPP\"").is_err());
    }
}
