package dev.udpimage.api.security;

import dev.udpimage.api.ProblemResponses;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Who may use the HTTP API and the viewer, like Redis's protected mode: with no
 * credentials configured, only requests from this machine itself ({@link LocalRequests});
 * with {@code udp.security.*} set, anyone who presents them (HTTP Basic, or the bearer
 * token). {@code /actuator/health} is open for probes. State-changing requests from
 * another site's page are refused ({@link CrossOriginCheck}); the pages get a
 * Content-Security-Policy and the usual security headers. Stateless: no session, no
 * cookie.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** The pages' policy: everything from this service, nothing inline, no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; "
            + "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private static final String REALM = "udp-image-service";

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, SecurityProperties security, JsonMapper json,
            AuthenticationManager authenticationManager) throws Exception {
        ProblemResponses problems = new ProblemResponses(json);
        // CrossOriginCheck instead: no token for clients to carry
        http.csrf(csrf -> csrf.disable())
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .requestCache(cache -> cache.disable())
            .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                .frameOptions(frame -> frame.deny()))
            .addFilterBefore(new CrossOriginCheck(problems), BasicAuthenticationFilter.class);
        if (!security.configured()) {
            log.info("No credentials configured (udp.security.*): the HTTP API and the viewer answer only "
                    + "requests from this machine (protected mode)");
            AuthenticationEntryPoint notLocal = (request, response, ex) -> problems.write(request, response,
                    HttpStatus.FORBIDDEN, "Protected mode",
                    "with no credentials configured this service answers only requests from its own machine "
                            + "(loopback); set udp.security.username and udp.security.password (or "
                            + "udp.security.token), e.g. UDP_SECURITY_USERNAME and UDP_SECURITY_PASSWORD in the "
                            + "environment, to answer others who present them");
            http.addFilterBefore(new LocalUserFilter(), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .anyRequest()
                    .access((authentication,
                            context) -> new AuthorizationDecision(LocalRequests.isLocal(context.getRequest()))))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(notLocal)
                    .accessDeniedHandler((request, response, ex) -> notLocal.commence(request, response, null)));
            return http.build();
        }
        AuthenticationEntryPoint unauthorized = (request, response, ex) -> {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            problems.write(request, response, HttpStatus.UNAUTHORIZED, "Unauthorized",
                    "present the credentials of udp.security.* (HTTP Basic, or Authorization: Bearer <token>)");
        };
        http.authenticationManager(authenticationManager)
            .httpBasic(basic -> basic.realmName(REALM).authenticationEntryPoint(unauthorized))
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(unauthorized))
            .authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
                .permitAll()
                .anyRequest()
                .authenticated());
        if (security.hasToken()) {
            http.addFilterBefore(new BearerTokenFilter(security.token(), unauthorized),
                    BasicAuthenticationFilter.class);
        }
        return http.build();
    }

    /**
     * The user of {@code udp.security.username} and {@code .password} (a hash as given,
     * or a plain password hashed now), and the token as a Basic password with any user
     * name; in protected mode, nobody (and Spring Boot makes no user of its own).
     */
    @Bean
    AuthenticationManager authenticationManager(SecurityProperties security) {
        if (!security.configured()) {
            return authentication -> {
                throw new BadCredentialsException("no credentials are configured (udp.security.*)");
            };
        }
        List<AuthenticationProvider> providers = new java.util.ArrayList<>();
        if (security.hasUser()) {
            PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
            String password = security.password().startsWith("{") ? security.password()
                    : encoder.encode(security.password());
            UserDetails user = User.withUsername(security.username()).password(password).roles("API").build();
            DaoAuthenticationProvider users = new DaoAuthenticationProvider(new InMemoryUserDetailsManager(user));
            users.setPasswordEncoder(encoder);
            providers.add(users);
        }
        if (security.hasToken()) {
            byte[] token = security.token().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            providers.add(new AuthenticationProvider() {
                @Override
                public org.springframework.security.core.Authentication authenticate(
                        org.springframework.security.core.Authentication authentication) {
                    Object presented = authentication.getCredentials();
                    if (presented != null && BearerTokenFilter.matches(presented.toString(), token)) {
                        return UsernamePasswordAuthenticationToken.authenticated(authentication.getName(), null,
                                List.of(new SimpleGrantedAuthority("ROLE_API")));
                    }
                    return null; // the next provider may know the user
                }

                @Override
                public boolean supports(Class<?> authentication) {
                    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
                }
            });
        }
        ProviderManager manager = new ProviderManager(providers);
        manager.setEraseCredentialsAfterAuthentication(true);
        return manager;
    }

}
