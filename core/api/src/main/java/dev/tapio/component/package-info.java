/**
 * The component SPI: factories per type found through PF4J, the lifecycle, and what the engine
 * offers a component. Data flows through the consumer interfaces in {@code dev.tapio.consumer}.
 */
package dev.tapio.component;
